"""Reciprocal rank fusion: combine ranked lists without calibrating their scores."""

from __future__ import annotations

from collections.abc import Sequence


def rrf(
    rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None, *, k: int
) -> list[tuple[int, float]]:
    """Fuse ranked id lists; returns ``(id, score)`` best first, ties kept in first-seen order."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(rankings)} rankings but {len(weights)} weights; give one each.")
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def rrf_ceiling(weights: Sequence[float], *, k: int) -> float:
    """The score of an item ranked first everywhere: divides fused scores into [0, 1]."""
    return sum(w / (k + 1) for w in weights)
