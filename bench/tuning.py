"""Trying fusion settings on a loaded Searcher without editing ``search/``.

``applied`` sets the RRF weights on the searcher and temporarily replaces the module
constants the searcher reads at query time (RRF k, keyword terms and dense pieces of a
long query) and its candidate depth; ``tune`` walks a small grid one setting at a time.
Query vectors are cached, so trying fusion settings re-encodes nothing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace

import numpy as np

import search.query as query_module
import search.searcher as searcher_module
from index.embed import Embedder
from search.fuse import RRF_K, rrf, rrf_ceiling
from search.searcher import Searcher, Weights

logger = logging.getLogger(__name__)

Table = dict[str, dict[str, dict[str, float | int]]]

# One setting at a time, in this order; each keeps the best value found so far for the rest.
GRID: dict[str, tuple[float | int, ...]] = {
    "dense": (0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
    "rrf_k": (5, 15, 30, 60, 120),
    "depth": (50, 100, 200, 400),
    "max_terms": (8, 16, 32, 64, 128),
    "max_pieces": (1, 2, 4, 8),
    "piece_chars": (250, 400, 500),
}


@dataclass(frozen=True)
class Settings:
    """Everything tried; the defaults are what ``search/`` does today (k=10: depth 100)."""

    dense: float = Weights().dense
    keyword: float = Weights().keyword
    exact: float = Weights().exact
    rrf_k: int = RRF_K
    depth: int = 100
    max_terms: int = query_module.MAX_TERMS
    max_pieces: int = query_module.MAX_DENSE_PIECES
    piece_chars: int = query_module.DENSE_PIECE_CHARS


class CachedEmbedder:
    """An ``Embedder`` that remembers query vectors by text (documents pass through)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.fingerprint = inner.fingerprint
        self.precision = inner.precision
        self._cache: dict[str, np.ndarray] = {}

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress: bool = False
    ) -> np.ndarray:
        """Passed on to the wrapped embedder."""
        return self.inner.encode_documents(
            texts, batch_size=batch_size, show_progress=show_progress
        )

    def encode_queries(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Vectors of ``texts``, encoding only those not seen before."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            vectors = self.inner.encode_queries(todo, batch_size=batch_size)
            self._cache.update(zip(todo, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


@contextmanager
def applied(searcher: Searcher, settings: Settings) -> Iterator[None]:
    """Search with ``settings`` inside the block; everything is put back after it."""
    saved_weights = searcher.weights
    saved_module = {
        (searcher_module, "rrf"): searcher_module.rrf,
        (searcher_module, "rrf_ceiling"): searcher_module.rrf_ceiling,
        (query_module, "MAX_TERMS"): query_module.MAX_TERMS,
        (query_module, "MAX_DENSE_PIECES"): query_module.MAX_DENSE_PIECES,
        (query_module, "DENSE_PIECE_CHARS"): query_module.DENSE_PIECE_CHARS,
    }
    searcher.weights = Weights(settings.dense, settings.keyword, settings.exact)
    searcher_module.rrf = functools.partial(rrf, k=settings.rrf_k)  # type: ignore[assignment]
    searcher_module.rrf_ceiling = functools.partial(rrf_ceiling, k=settings.rrf_k)  # type: ignore[assignment]
    query_module.MAX_TERMS = settings.max_terms
    query_module.MAX_DENSE_PIECES = settings.max_pieces
    query_module.DENSE_PIECE_CHARS = settings.piece_chars
    # Searcher.search fixes the depth (max(50, 10k)); wrap its ranking step to change it.
    rank = Searcher._rank
    searcher._rank = lambda q, mode, allowed, *, depth: rank(  # type: ignore[method-assign]
        searcher, q, mode, allowed, depth=settings.depth
    )
    try:
        yield
    finally:
        del searcher._rank
        searcher.weights = saved_weights
        for (module, name), value in saved_module.items():
            setattr(module, name, value)


def objective(table: Table) -> float:
    """Mean hybrid MRR@10 over the query kinds."""
    values = [float(modes["hybrid"]["mrr@10"]) for modes in table.values()]
    return sum(values) / max(len(values), 1)


def tune(
    searcher: Searcher,
    evaluate: Callable[[], Table],
    *,
    grid: dict[str, tuple[float | int, ...]] | None = None,
    start: Settings | None = None,
) -> tuple[Settings, list[dict[str, object]]]:
    """Coordinate search over ``grid``: the best settings and every trial's objective.

    A value replaces the current one only when strictly better, so ties keep the default.
    """
    best = start or Settings()
    seen: dict[Settings, float] = {}

    def trial(settings: Settings) -> float:
        if settings not in seen:
            with applied(searcher, settings):
                seen[settings] = objective(evaluate())
            logger.info("%.4f  %s", seen[settings], settings)
        return seen[settings]

    best_value = trial(best)
    for name, values in (grid or GRID).items():
        for value in values:
            candidate = replace(best, **{name: value})
            if trial(candidate) > best_value:
                best, best_value = candidate, seen[candidate]
    trials = [{**asdict(s), "objective": round(v, 4)} for s, v in seen.items()]
    return best, trials
