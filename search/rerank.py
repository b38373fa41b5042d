"""Optional cross-encoder reranking of the top passages (off unless a model is configured)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Reranker(Protocol):
    """Scores (query, passage) pairs; higher is more relevant."""

    def score(self, query: str, passages: Sequence[str]) -> list[float]: ...


def rerank(
    reranker: Reranker,
    query: str,
    ranked: Sequence[int],
    texts: Sequence[str],
    *,
    top: int,
) -> list[tuple[int, float]]:
    """Reorder the first ``top`` passage ids by the reranker; the rest keep their order below."""
    head = list(ranked[:top])
    scores = reranker.score(query, [texts[i] for i in head])
    if len(scores) != len(head):
        raise ValueError(f"reranker returned {len(scores)} scores for {len(head)} passages")
    reordered = sorted(zip(head, scores, strict=True), key=lambda p: -p[1])
    floor = min(scores, default=0.0)
    return reordered + [(i, floor) for i in ranked[top:]]
