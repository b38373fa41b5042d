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


class FaissDense:
    """A FAISS index behind the :class:`index.engine.DenseIndex` interface."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        self.kind = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat_ip"

    @classmethod
    def build(cls, vectors: np.ndarray, *, threshold: int = HNSW_THRESHOLD) -> FaissDense:
        """Index ``vectors`` (rows are passages): exact below ``threshold`` rows, HNSW above."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        if vectors.shape[0] < threshold:
            index: faiss.Index = faiss.IndexFlatIP(dimension)
        else:
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        if len(vectors):
            index.add(vectors)
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> FaissDense:
        """Read an index written by :meth:`save`."""
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        """Write with FAISS's own serialiser (no pickle)."""
        faiss.write_index(self.index, str(path))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passages per query as (scores, ids); ``allowed`` restricts to those ids.

        Restricting inside FAISS (an ID selector) rather than after the cut means a filter
        never returns fewer hits than exist.
        """
        k = min(k, len(self))
        if k <= 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        selector = None if allowed is None else faiss.IDSelectorBatch(allowed.astype(np.int64))
        scores, ids = self.index.search(queries, k, params=self._params(selector))
        return scores, ids

    def _params(self, selector: faiss.IDSelector | None) -> faiss.SearchParameters:
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=HNSW_EF_SEARCH)  # type: ignore[attr-defined]
        else:
            params = faiss.SearchParameters()
        if selector is not None:
            params.sel = selector
        return params
