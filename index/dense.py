"""The dense side: a FAISS inner-product index over L2-normalised passage vectors.

Exact search (``IndexFlatIP``) below ``HNSW_THRESHOLD`` passages, where it is both exact
and fast enough; HNSW above, where brute force would cost too much per query. Which one
was built is recorded in the manifest.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


def build_dense(vectors: np.ndarray, *, threshold: int = HNSW_THRESHOLD) -> tuple[faiss.Index, str]:
    """Build the FAISS index for ``vectors``; returns it and its kind (``flat_ip``/``hnsw``)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = vectors.shape[1]
    if vectors.shape[0] < threshold:
        index: faiss.Index = faiss.IndexFlatIP(dimension)
        kind = "flat_ip"
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        kind = "hnsw"
    if len(vectors):
        index.add(vectors)
    return index, kind


def write_dense(index: faiss.Index, path: Path) -> None:
    """Write with FAISS's own serialiser (no pickle)."""
    faiss.write_index(index, str(path))


def read_dense(path: Path) -> faiss.Index:
    """Read an index written by :func:`write_dense`."""
    return faiss.read_index(str(path))


def search_dense(
    index: faiss.Index, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` passages per query as (scores, ids); ``allowed`` restricts to those ids.

    Restricting inside FAISS (an ID selector) rather than after the cut means a filter
    never returns fewer hits than exist.
    """
    k = min(k, index.ntotal)
    if k <= 0:
        empty = np.zeros((len(queries), 0))
        return empty.astype(np.float32), empty.astype(np.int64)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if allowed is None:
        params = _params(index, None)
    else:
        params = _params(index, faiss.IDSelectorBatch(allowed.astype(np.int64)))
    scores, ids = index.search(queries, k, params=params)
    return scores, ids


def _params(index: faiss.Index, selector: faiss.IDSelector | None) -> faiss.SearchParameters:
    if isinstance(index, faiss.IndexHNSW):
        params = faiss.SearchParametersHNSW(efSearch=HNSW_EF_SEARCH)  # type: ignore[attr-defined]
    else:
        params = faiss.SearchParameters()
    if selector is not None:
        params.sel = selector
    return params
