"""End to end in a real browser: the app on a real index (FakeEmbedder), driven by chromium.

Needs Debian's chromium (``apt-get install -y chromium fonts-noto-cjk``); never run
``playwright install``. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import Served, launch
from index.build import build_index
from search import Searcher
from tests.conftest import BUNDLED_CORPUS, REPO
from tests.fakes import FakeEmbedder
from ui import build_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO / "artifacts" / "screenshots"
SCRIPT = '<script>alert("先例")</script>'
IMG = "<img src=x onerror=\"alert('img')\">"
HOSTILE = {
    "留言编号": "xss-1",
    "留言主题": f"关于小区噪音扰民的投诉 {SCRIPT}{IMG}",  # titles also fill dropdowns
    "留言详情": f"楼下商铺夜间噪音扰民 {IMG}",
    "答复意见": f"网友您好！关于噪音扰民问题 {SCRIPT}，执法人员已到现场核查并责令整改。{IMG}",
    "答复时间": "2023-05-06",
    "承办单位": "明湖区综合行政执法局",
}
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs /usr/bin/chromium: apt-get install -y chromium"
)
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """A real index (FakeEmbedder) over corpus/ plus a record full of markup."""
    root = tmp_path_factory.mktemp("ui")
    extra = root / "corpus"
    extra.mkdir()
    line = json.dumps(HOSTILE, ensure_ascii=False)
    (extra / "hostile.jsonl").write_text(line + "\n", encoding="utf-8")
    build_index([BUNDLED_CORPUS, extra], root / "index", embedder=FakeEmbedder())
    return Searcher.load(root / "index", embedder=FakeEmbedder())


def _serve(searcher: Searcher, auth: tuple[str, str] | None) -> tuple[Served, str]:
    demo = build_app(searcher, subtitle="测试索引")
    port = _free_port()
    served = launch(demo, host="127.0.0.1", port=port, auth=auth, block=False)
    assert served is not None  # block=False always hands the server back
    return served, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def app_url(searcher: Searcher) -> Iterator[str]:
    """The app served on a free port, no login."""
    served, url = _serve(searcher, None)
    yield url
    served.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium through Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh page on the app that records every dialog (alert) it opens."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="zh-CN")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    page.get_by_label("问题，或粘贴提案/建议/留言原文").wait_for()
    yield page
    context.close()


def _settled(page: Any, component: str) -> None:
    """Wait until gradio has faded ``component`` back in after an update (it dims while busy)."""
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel + ' .html-container')]"
        ".every(e => getComputedStyle(e).opacity === '1')",
        arg=component,
    )


def _search(page: Any, query: str) -> Any:
    page.get_by_label("问题，或粘贴提案/建议/留言原文").fill(query)
    page.get_by_role("button", name="检索", exact=True).click()
    cards = page.locator("#xl-results .xl-card")
    cards.first.wait_for(timeout=30_000)
    _settled(page, "#xl-results")
    return cards


@pytest.mark.browser
@needs_chromium
def test_search_read_similar_and_export(page: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    cards = _search(page, "中心城区 高端制造业 园区")
    assert cards.count() >= 3
    first = cards.first
    assert "第86号提案的答复" in first.locator(".xl-title").inner_text()
    assert first.locator("mark").count() > 0
    assert "已落实" in first.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "search.png"))

    first.get_by_role("button", name="查看全文").click()
    reply = page.locator("#xl-reply .xl-reply")
    reply.wait_for(timeout=15_000)
    text = reply.inner_text()
    assert "岚工信〔2023〕18号" in text and "签发人" in text and "答复全文" in text
    _settled(page, "#xl-reply")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "reply.png"))
    page.get_by_role("button", name="查找相似答复").click()
    similar = page.locator("#xl-similar .xl-card")
    similar.first.wait_for(timeout=15_000)
    other = similar.first.locator(".xl-title").inner_text()
    assert "第86号提案的答复" not in other
    similar.first.get_by_role("button", name="查看全文").click()  # opens the similar reply
    page.locator("#xl-reply .xl-reply h2", has_text=other).wait_for(timeout=15_000)


@pytest.mark.browser
@needs_chromium
def test_export_links_appear(page: Any) -> None:
    _search(page, "加装电梯")
    page.get_by_text("导出：Excel / CSV / Word 答复提纲").click()
    page.get_by_role("button", name="导出 CSV").click()
    link = page.locator("a[href*='.csv']").first
    link.wait_for(timeout=15_000)
    body = page.request.get(link.get_attribute("href")).body()
    assert body.startswith(b"\xef\xbb\xbf") and "加装电梯".encode() in body
    page.get_by_role("button", name="生成答复提纲 (Word)").click()
    page.locator("a[href*='.docx']").first.wait_for(timeout=15_000)


@pytest.mark.browser
@needs_chromium
def test_markup_in_documents_shows_as_text_and_never_runs(page: Any) -> None:
    cards = _search(page, "噪音扰民 执法人员 现场核查")
    hostile = cards.filter(has_text="执法人员已到现场核查")
    assert hostile.count() == 1
    assert SCRIPT in hostile.inner_text()  # visible as text
    hostile.get_by_role("button", name="查看全文").click()
    reply = page.locator("#xl-reply .xl-reply")
    reply.wait_for(timeout=15_000)
    assert SCRIPT in reply.inner_text() and IMG in reply.inner_text()
    page.wait_for_timeout(500)  # give any injected handler time to fire
    assert page.dialogs == []
    scripts = "[...document.querySelectorAll('script')]"
    injected = page.evaluate(
        f"() => {scripts}.filter(s => s.textContent.includes('alert(')).length"
        " + document.querySelectorAll('img[src=\"x\"]').length"
    )
    assert injected == 0


@pytest.mark.browser
@needs_chromium
def test_empty_query_shows_a_notice(page: Any) -> None:
    page.get_by_role("button", name="检索", exact=True).click()
    page.locator(".xl-notice.xl-warn").wait_for(timeout=15_000)
    assert "请输入" in page.locator(".xl-notice.xl-warn").inner_text()
    page.wait_for_timeout(500)
    assert page.locator(".toast-body").count() == 0  # said once, inline, not again as a toast
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_search_api_with_gradio_client(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False, analytics_enabled=False)
    hits = client.predict(
        query="中心城区 高端制造业 园区",
        k=5,
        mode="hybrid",
        kinds=["proposal_reply"],
        api_name="/search",
    )
    assert 1 <= len(hits) <= 5
    assert {h["kind"] for h in hits} == {"proposal_reply"}
    assert hits[0]["title"].endswith("第86号提案的答复") and hits[0]["passages"]
    with pytest.raises(Exception, match="请写成"):
        client.predict(query="园区", date_from="someday", api_name="/search")


def test_login_guards_page_and_api(searcher: Searcher) -> None:
    import httpx
    from gradio_client import Client

    served, url = _serve(searcher, ("staff", "s3cret"))
    try:
        call = httpx.post(f"{url}gradio_api/call/search", json={"data": ["园区"]})
        assert call.status_code in (401, 403)
        with pytest.raises(Exception, match=r"(?i)login|auth|credentials"):
            Client(url, verbose=False, analytics_enabled=False, auth=("staff", "wrong"))
        client = Client(url, verbose=False, analytics_enabled=False, auth=("staff", "s3cret"))
        assert client.predict(query="园区", k=5, api_name="/search")
    finally:
        served.close()
