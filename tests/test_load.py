"""bench/load.py against the real server (page + REST API in one server) on a fake searcher."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import httpx
import pytest

from app.api import ApiAuth, build_api
from app.cli import Served, launch
from app.workers import SearchWorkers
from bench.load import cpu_seconds, load_queries, main, percentile, run_load
from tests.ui_fakes import FakeSearcher
from ui import build_app

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(auth: tuple[str, str] | None = None) -> Served:
    searcher = SearchWorkers(FakeSearcher(), workers=2)
    api = build_api(searcher, auth=ApiAuth(auth))
    served = launch(build_app(searcher), host="127.0.0.1", port=_free_port(), auth=auth,
                    api=api, block=False)  # fmt: skip
    assert served is not None
    return served


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """Page and API on one free port, no login."""
    server = _serve()
    yield server
    server.close()


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 1.0)) == (
        50.0,
        95.0,
        100.0,
    )
    assert percentile([7.0], 0.95) == 7.0


def test_staff_queries_load() -> None:
    queries = load_queries()
    assert len(queries) >= 60 and all(q.strip() for q in queries)


def test_cpu_seconds_of_this_process_grows() -> None:
    before = cpu_seconds(os.getpid())
    sum(i * i for i in range(300_000))
    assert cpu_seconds(os.getpid()) > before >= 0


def test_page_and_api_share_one_server(served: Served) -> None:
    page = httpx.get(served.url, timeout=30)
    assert page.status_code == 200 and "gradio" in page.text.lower()
    info = httpx.get(f"{served.url}api/v1/info", timeout=30)
    assert info.status_code == 200 and info.json()["index"]["model"] == "fake"
    assert httpx.get(f"{served.url}api/v1/docs", timeout=30).status_code == 200


@pytest.mark.parametrize("api", [True, False], ids=["rest", "gradio"])
def test_load_runs_every_search_without_errors(served: Served, api: bool) -> None:
    report = run_load(served.url, users=4, searches=3, api=api, k=2)
    assert (report.searches, report.errors, report.first_errors) == (12, 0, ())
    assert 0 < report.p50_ms <= report.p95_ms <= report.max_ms
    assert report.door == ("api" if api else "gradio")


def test_refused_searches_count_as_errors() -> None:
    server = _serve(auth=("staff", "pw"))
    try:
        report = run_load(server.url, users=2, searches=2, api=True)
        assert report.errors == 4 and "HTTP 401" in report.first_errors[0]
        ok = run_load(server.url, users=2, searches=2, api=True, auth=("staff", "pw"))
        assert ok.errors == 0
    finally:
        server.close()


def test_main_prints_json_and_fails_on_errors(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--url", served.url, "--users", "2", "--searches", "2", "--api",
            "--server-pid", str(os.getpid())]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert '"errors": 0' in out and '"server_cpu_ms_per_search"' in out
    assert main(["--url", "http://127.0.0.1:9", "--users", "1", "--searches", "1", "--api"]) == 1
