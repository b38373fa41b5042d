"""Searches from many users at once: a small pool of query workers over one shared searcher.

The searcher is read-only once loaded, so worker threads share it: FAISS searches are
thread-safe on CPU indexes; bm25s scores into fresh arrays; the segmenter builds its jieba
tokenizer once under a lock and only reads it after; the model's forward pass keeps no state;
the fast tokenizer is reconfigured only when truncation or padding change, which queries never
do (transformers' ``set_truncation_and_padding``; the "Already borrowed" error of
huggingface/transformers#47085 needs mixed settings). The searcher keeps no caches.
``tests/test_workers.py`` checks six workers on the real model against the serial answers.

The pool bounds how many searches run at once, and each worker gives the model a fixed
number of torch threads, so parallel queries do not oversubscribe the cores nor starve a
build beside them: one thread per query cost the least CPU per search (bench/README).
Every door of the app (page, Gradio API, REST API) searches through the same pool.
"""

from __future__ import annotations

import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from index.reply import Reply
from search import Facets, IndexSummary, SearcherLike, SearchHit, SearchRequest

logger = logging.getLogger(__name__)


def default_workers() -> int:
    """One query worker per core the process may use (at least one)."""
    return max(1, len(os.sched_getaffinity(0)))


def set_torch_threads(threads: int) -> None:
    """Size torch's intra-op pool for the calling thread and the threads it starts.

    A no-op when torch is not loaded (the test fakes never import it).
    """
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


class SearchWorkers:
    """A :class:`search.SearcherLike` that runs searches on ``workers`` threads.

    Searching methods wait for a worker; reading a reply, the facets or the summary
    costs nothing and is answered at once.
    """

    def __init__(self, searcher: SearcherLike, *, workers: int, torch_threads: int = 1) -> None:
        if workers < 1 or torch_threads < 1:
            raise ValueError("workers and torch_threads must be at least 1")
        self.searcher = searcher
        self.workers = workers
        self.torch_threads = torch_threads
        set_torch_threads(torch_threads)  # the process default, for threads started later
        self._pool = ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="xianli-search",
            initializer=set_torch_threads,
            initargs=(torch_threads,),
        )
        logger.info("%d search workers, %d torch thread(s) each", workers, torch_threads)

    def run(self, request: SearchRequest) -> list[SearchHit]:
        """The hits for ``request``, computed on a worker."""
        return self._pool.submit(self.searcher.run, request).result()

    def similar(self, doc_id: str, *, k: int = 10) -> list[SearchHit]:
        """Replies most like ``doc_id``, computed on a worker."""
        return self._pool.submit(lambda: self.searcher.similar(doc_id, k=k)).result()

    def reply(self, doc_id: str) -> Reply:
        """The whole reply with this id."""
        return self.searcher.reply(doc_id)

    def facets(self) -> Facets:
        """The index's facets."""
        return self.searcher.facets()

    def summary(self) -> IndexSummary:
        """The index's size, model and build time."""
        return self.searcher.summary()

    def __getattr__(self, name: str) -> Any:
        """Any other method of the searcher (overview counts, topics…), run on a worker."""
        method = getattr(self.searcher, name)
        if not callable(method):
            return method

        def on_worker(*args: Any, **kwargs: Any) -> Any:
            return self._pool.submit(method, *args, **kwargs).result()

        return on_worker

    def close(self) -> None:
        """Let running searches finish, then stop the workers."""
        self._pool.shutdown(wait=True)
