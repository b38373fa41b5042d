"""Pseudo-relevance feedback on the query vector (Rocchio, 1971).

A pasted message is long and noisy and a typed query is short: either way its vector
sits a little off the topic that the best records share. The top records of a first
fused ranking (BM25 and dense together, so each side corrects the other) are taken as
relevant, and the query vector moves toward the mean of their best passages. The dense
side is then searched again with it; no second model pass is needed.
"""

from __future__ import annotations

import numpy as np


def expand_query(vector: np.ndarray, feedback: np.ndarray, weight: float) -> np.ndarray:
    """``vector`` (1 × d, unit length) plus ``weight`` × the mean of the ``feedback`` rows,
    normalised again; ``vector`` itself when there is no feedback or no weight."""
    if weight <= 0 or not len(feedback):
        return vector
    moved = vector + weight * feedback.mean(axis=0, keepdims=True)
    norm = float(np.linalg.norm(moved))
    return vector if norm < 1e-12 else (moved / norm).astype(vector.dtype)
