"""Trying search settings on a loaded Searcher: ``Searcher.with_settings`` and a grid walk.

Nothing is patched: each trial searches a copy of the searcher that shares the loaded
index and model but holds other :class:`search.SearchSettings`. Query vectors are cached,
so trying fusion settings re-encodes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace

import numpy as np

from index.embed import Embedder
from search import Searcher, SearchSettings

logger = logging.getLogger(__name__)

Table = dict[str, dict[str, dict[str, float | int]]]

# One setting at a time, in this order; each keeps the best value found so far for the rest.
GRID: dict[str, tuple[float | int, ...]] = {
    "dense_weight": (0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
    "rrf_k": (5, 15, 30, 60, 120),
    "min_depth": (50, 100, 200, 400),
    "max_terms": (8, 16, 32, 64, 128),
    "max_dense_pieces": (1, 2, 4, 8),
    "dense_piece_chars": (250, 400, 500),
}


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


def objective(table: Table) -> float:
    """Mean hybrid MRR@10 over the query kinds."""
    values = [float(modes["hybrid"]["mrr@10"]) for modes in table.values()]
    return sum(values) / max(len(values), 1)


def tune(
    searcher: Searcher,
    evaluate: Callable[[Searcher], Table],
    *,
    grid: dict[str, tuple[float | int, ...]] | None = None,
    start: SearchSettings | None = None,
    goal: Callable[[Table], float] = objective,
) -> tuple[SearchSettings, list[dict[str, object]]]:
    """Coordinate search over ``grid``: the best settings and every trial's objective.

    ``evaluate`` scores a searcher, ``goal`` turns its table into one number (default: mean
    hybrid MRR@10 over the query kinds). A value replaces the current one only when strictly
    better, so ties keep the default.
    """
    best = start or SearchSettings()
    seen: dict[SearchSettings, float] = {}

    def trial(settings: SearchSettings) -> float:
        if settings not in seen:
            seen[settings] = goal(evaluate(searcher.with_settings(settings)))
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
