"""The two retrieval interfaces every index engine provides: dense vectors and BM25 terms.

FAISS (:mod:`index.dense`) and bm25s (:mod:`index.keyword`) implement them for the local
index directory; another engine can stand behind the same two protocols without the
searcher knowing which one answers. Passage ids are row numbers: passage ``i`` of the
index is vector ``i`` and keyword document ``i``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy import sparse


class DenseIndex(Protocol):
    """Nearest passages to query vectors, by inner product."""

    kind: str  # how it searches, recorded in the manifest ("flat_ip", "hnsw")

    def __len__(self) -> int: ...

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` per query as ``(scores, ids)`` of shape (queries, ≤ k); -1 pads."""
        ...

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of passages ``ids`` (rows in that order; decoded where the
        engine compresses them)."""
        ...

    def save(self, path: Path) -> None:
        """Write the index where :meth:`load` of the same class reads it."""
        ...


class KeywordIndex(Protocol):
    """BM25 over the segmenter's tokens of each passage."""

    def __len__(self) -> int: ...

    def search(
        self, tokens: Sequence[str], k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passages for one tokenised query as ``(scores, ids)``, zeros dropped."""
        ...

    def document_frequency(self, term: str) -> int:
        """How many passages contain ``term`` (0 for a term the index never saw)."""
        ...

    def term_presence(self) -> tuple[sparse.csr_matrix, list[str]]:
        """Passage × term matrix, 1.0 where the term occurs, and the terms in column order
        (what recurring topics are named from)."""
        ...

    def save(self, path: Path) -> None:
        """Write the index where :meth:`load` of the same class reads it."""
        ...
