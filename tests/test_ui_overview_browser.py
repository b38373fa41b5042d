"""The overview in a real browser: charts beside the results, a selection that narrows the
search, the 「类似问题出现过」 line, and the 概览 tab. Screenshots go to artifacts/screenshots/.

Same set-up as tests/test_ui_browser.py (Debian chromium through Playwright, a real index
built with the FakeEmbedder).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import test_ui_browser as base
from tests.test_ui_browser import SHOTS, _search, _settled, needs_chromium

# The browser test's fixtures, found by pytest under these names.
searcher, app_url, browser, page = base.searcher, base.app_url, base.browser, base.page

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]
PASTED = (
    "我是某小区的居民，小区旁边的饭店每天夜里营业到凌晨，油烟和噪音严重影响居民休息，"
    "多次向物业反映都没有结果，希望有关部门尽快处理噪音扰民和油烟问题。"
)


def _chart(page: Any, name: str) -> Any:
    chart = page.locator(f"#xl-chart-{name}")
    chart.locator("canvas, svg").first.wait_for(timeout=30_000)
    return chart


@pytest.mark.browser
@needs_chromium
def test_charts_show_and_a_selection_narrows_the_search(page: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    _search(page, "园区 企业 制造业")
    for name in ("period", "issuer", "grade"):
        assert _chart(page, name).is_visible()
    page.locator("#xl-chart-period").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # vega draws after the data arrives
    page.screenshot(path=str(SHOTS / "overview-charts.png"))

    box = page.locator("#xl-chart-period canvas, #xl-chart-period svg").first.bounding_box()
    y = box["y"] + box["height"] * 0.45
    page.mouse.move(box["x"] + box["width"] * 0.15, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.95, y, steps=8)
    page.mouse.up()
    date_from = page.get_by_label("起始日期")
    page.wait_for_function(
        "el => /^\\d{4}-\\d{2}-\\d{2}$/.test(el.value)", arg=date_from.element_handle(),
        timeout=15_000,
    )  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_from.input_value())
    page.locator("#xl-results .xl-card").first.wait_for(timeout=30_000)


@pytest.mark.browser
@needs_chromium
def test_one_match_says_so_instead_of_a_chart(page: Any) -> None:
    # only the record full of markup (tests/test_ui_browser.py's HOSTILE) is dated that day
    page.get_by_label("起始日期").fill("2023-05-06")
    page.get_by_label("截止日期").fill("2023-05-06")
    page.get_by_label("问题，或粘贴提案/建议/留言原文").fill("噪音扰民")
    page.get_by_role("button", name="检索", exact=True).click()
    note = page.locator("#xl-chart-note .xl-notice")
    note.wait_for(timeout=30_000)
    assert note.inner_text().startswith("只有 1 件相符的答复（2023-05-06")
    assert not page.locator("#xl-chart-period").is_visible()


@pytest.mark.browser
@needs_chromium
def test_a_pasted_message_says_how_often_it_came_up(page: Any) -> None:
    _search(page, PASTED)
    line = page.locator("#xl-recurrence .xl-recur")
    line.wait_for(timeout=30_000)
    assert re.search(r"类似问题出现过 \d+ 次", line.inner_text())
    _chart(page, "grade")  # the screenshot shows the charts drawn
    page.wait_for_timeout(500)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "overview-recurrence.png"))


@pytest.mark.browser
@needs_chromium
def test_topics_tab_lists_topics_that_open_as_a_search(
    page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The FakeEmbedder's vectors hold no topics: every group of three or more is one here.
    for name, loose in (("MIN_COHESION", -1.0), ("MIN_MEMBER_COSINE", -1.0), ("MIN_TOPIC", 3)):
        monkeypatch.setattr(f"search.topics.{name}", loose)
    page.get_by_role("tab", name="概览").click()
    page.get_by_label("起始", exact=True).fill("2000")
    page.get_by_label("截止", exact=True).fill("2030")
    page.get_by_role("button", name="分析热点").click()
    topics = page.locator("#xl-topics .xl-topic")
    topics.first.wait_for(timeout=30_000)
    assert "话题" in page.locator("#xl-topics .xl-count").inner_text()
    _settled(page, "#xl-topics")
    page.screenshot(path=str(SHOTS / "overview-topics.png"), full_page=True)
    page.get_by_label("选择话题").click()
    page.get_by_role("option").first.click()
    page.get_by_role("button", name="以此检索").click()
    page.locator("#xl-results .xl-card").first.wait_for(timeout=30_000)
    assert page.get_by_label("问题，或粘贴提案/建议/留言原文").input_value()
    assert page.get_by_label("起始日期").input_value() == "2000-01-01"
