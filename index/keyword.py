"""The keyword side: BM25 (bm25s) over segmenter tokens, saved as .npy + JSON."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

logger = logging.getLogger(__name__)

# An empty passage still needs one token so bm25s keeps passage i at row i.
_EMPTY = "∅"


def build_keyword(token_lists: Sequence[list[str]]) -> bm25s.BM25:
    """Index one token list per passage, in passage order."""
    retriever = bm25s.BM25()
    corpus = [tokens or [_EMPTY] for tokens in token_lists]
    retriever.index(corpus, show_progress=False)
    return retriever


def write_keyword(retriever: bm25s.BM25, directory: Path) -> None:
    """Save without pickle."""
    retriever.save(str(directory), allow_pickle=False, show_progress=False)


def read_keyword(directory: Path) -> bm25s.BM25:
    """Load an index saved by :func:`write_keyword`, kept in memory for every query."""
    return bm25s.BM25.load(str(directory), allow_pickle=False, show_progress=False)


def search_keyword(
    retriever: bm25s.BM25, tokens: list[str], k: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` passages for one tokenised query as (scores, ids); zero-score rows dropped.

    ``allowed`` (passage ids) becomes a bm25s weight mask, so filtering happens before
    the top k is cut.
    """
    known = [t for t in tokens if t in retriever.vocab_dict]
    total = _num_docs(retriever)
    if not known or k <= 0 or total == 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    scores = retriever.get_scores(known)
    if allowed is not None:
        mask = np.zeros(total, dtype=bool)
        mask[allowed] = True
        scores = np.where(mask, scores, 0.0)
    k = min(k, total)
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    keep = scores[top] > 0
    return scores[top][keep].astype(np.float32), top[keep].astype(np.int64)


def _num_docs(retriever: bm25s.BM25) -> int:
    return int(retriever.scores["num_docs"])
