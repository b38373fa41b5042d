"""Deterministic fakes so most tests need no model.

``FakeEmbedder`` hashes character unigrams and bigrams into a small vector: texts that
share words land close together, which is enough to test retrieval end to end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class FakeEmbedder:
    """Bag of hashed character n-grams, L2-normalised; satisfies ``index.embed.Embedder``."""

    def __init__(self, dimension: int = 64, name: str = "fake-hash") -> None:
        self.dimension = dimension
        self.name = f"{name}-{dimension}"
        self.fingerprint = hashlib.md5(self.name.encode()).hexdigest()
        self.precision = "float32"
        self.calls: list[int] = []  # how many texts each encode call received

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.strip():
                h = int.from_bytes(hashlib.md5(gram.encode()).digest()[:4], "little")
                vec[h % self.dimension] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress: bool = False
    ) -> np.ndarray:
        self.calls.append(len(texts))
        return np.stack([self._vector(t) for t in texts]) if texts else self._empty()

    def encode_queries(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else self._empty()

    def _empty(self) -> np.ndarray:
        return np.zeros((0, self.dimension), dtype=np.float32)
