"""app/workers.py: searches on a bounded pool of workers over one shared searcher."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.workers import SearchWorkers, default_workers
from search import SearchHit, SearchRequest
from tests.conftest import BUNDLED_CORPUS
from tests.ui_fakes import FakeSearcher


class SlowSearcher(FakeSearcher):
    """Records the threads searches run on and how many ran at once."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.threads: set[str] = set()

    def run(self, request: SearchRequest) -> list[SearchHit]:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return super().run(request)


def test_searches_run_on_at_most_workers_threads() -> None:
    slow = SlowSearcher()
    workers = SearchWorkers(slow, workers=2)
    with ThreadPoolExecutor(8) as callers:
        results = list(callers.map(lambda _: workers.run(SearchRequest("园区", k=2)), range(8)))
    assert all(len(hits) == 2 for hits in results)
    assert slow.most == 2
    assert slow.threads and all(name.startswith("xianli-search") for name in slow.threads)
    workers.close()


def test_other_searcher_methods_go_through_the_workers() -> None:
    seen: list[str] = []
    fake = FakeSearcher()
    original = fake.search_with_overview

    def recording(request: SearchRequest) -> object:
        seen.append(threading.current_thread().name)
        return original(request)

    fake.search_with_overview = recording  # type: ignore[method-assign]
    workers = SearchWorkers(fake, workers=1)
    result = workers.search_with_overview(SearchRequest("园区"))
    assert len(result.hits) == 3 and seen[0].startswith("xianli-search")
    assert [h.doc_id for h in workers.similar("r1", k=1)] == ["r2"]
    assert workers.reply("r1").doc_id == "r1"  # answered at once, no worker needed
    assert workers.summary().model == "fake" and workers.facets().grades == ("A", "B")
    workers.close()


def test_bad_pool_sizes_are_refused() -> None:
    for workers, threads in ((0, 1), (1, 0)):
        with pytest.raises(ValueError, match="at least 1"):
            SearchWorkers(FakeSearcher(), workers=workers, torch_threads=threads)
    assert default_workers() >= 1


@pytest.mark.slow
def test_the_real_searcher_is_safe_to_share(tmp_path: Path) -> None:
    """The real model, FAISS, bm25s and jieba from 6 threads give the serial answers."""
    import torch

    from index.build import build_index
    from index.embed import load_embedder
    from search import Searcher

    embedder = load_embedder()
    build_index([BUNDLED_CORPUS], tmp_path / "idx", embedder=embedder, progress=False)
    searcher = Searcher.load(tmp_path / "idx", embedder=embedder)
    queries = ["加装电梯 补贴", "中心城区 高端制造业 园区", "停车难", "岚政办〔2022〕23号",
               "农村饮水安全", "学位紧张 新建学校"] * 4  # fmt: skip
    modes = ("hybrid", "dense", "keyword")
    requests = [SearchRequest(q, k=5, mode=modes[i % 3]) for i, q in enumerate(queries)]
    expected = [[(h.doc_id, round(h.score, 4)) for h in searcher.run(r)] for r in requests]
    threads = torch.get_num_threads()
    workers = SearchWorkers(searcher, workers=6, torch_threads=1)
    try:
        with ThreadPoolExecutor(12) as callers:
            got = list(callers.map(workers.run, requests))
    finally:
        workers.close()
        torch.set_num_threads(threads)
    assert [[(h.doc_id, round(h.score, 4)) for h in hits] for hits in got] == expected
