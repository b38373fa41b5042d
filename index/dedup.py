"""Near-duplicate replies: template answers and copies that should show once.

Candidates come from the nearest neighbours of each reply's mean passage vector (cheap
with FAISS); a candidate pair counts only when their bodies also share most character
shingles, so two different answers on the same topic are never merged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import faiss
import numpy as np

from index.reply import Chunk, Reply

NEIGHBOURS = 8
MIN_COSINE = 0.95
MIN_JACCARD = 0.85
_NOISE = re.compile(r"[\s\W\d_]+")


def near_duplicate_groups(
    replies: Sequence[Reply], chunks: Sequence[Chunk], vectors: np.ndarray
) -> list[list[str]]:
    """Groups (≥ 2 doc ids each, in corpus order) of replies whose bodies nearly coincide."""
    centroids, doc_ids = _centroids(replies, chunks, vectors)
    if len(doc_ids) < 2:
        return []
    index = faiss.IndexFlatIP(centroids.shape[1])
    index.add(centroids)
    sims, nbrs = index.search(centroids, min(NEIGHBOURS, len(doc_ids)))
    bodies = {r.doc_id: r.body for r in replies}
    shingles: dict[str, set[str]] = {}
    parent = list(range(len(doc_ids)))
    for i, (row_sims, row_nbrs) in enumerate(zip(sims, nbrs, strict=True)):
        for sim, j in zip(row_sims, row_nbrs, strict=True):
            if j <= i or sim < MIN_COSINE:
                continue
            a, b = doc_ids[i], doc_ids[int(j)]
            if (
                jaccard(_shingles(a, bodies, shingles), _shingles(b, bodies, shingles))
                >= MIN_JACCARD
            ):
                _union(parent, i, int(j))
    return _groups(parent, doc_ids)


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _centroids(
    replies: Sequence[Reply], chunks: Sequence[Chunk], vectors: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    rows: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        if chunk.field == "reply":  # two answers alike, whatever the questions said
            rows.setdefault(chunk.doc_id, []).append(i)
    doc_ids = [r.doc_id for r in replies if r.doc_id in rows]
    if not doc_ids:
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), np.float32), []
    means = np.stack([vectors[rows[d]].mean(axis=0) for d in doc_ids]).astype(np.float32)
    faiss.normalize_L2(means)
    return means, doc_ids


def _shingles(doc_id: str, bodies: dict[str, str], cache: dict[str, set[str]]) -> set[str]:
    if doc_id not in cache:
        text = _NOISE.sub("", bodies[doc_id])
        cache[doc_id] = {text[i : i + 3] for i in range(max(len(text) - 2, 1))}
    return cache[doc_id]


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _groups(parent: list[int], doc_ids: list[str]) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for i, doc_id in enumerate(doc_ids):
        groups.setdefault(_find(parent, i), []).append(doc_id)
    return [g for g in groups.values() if len(g) > 1]
