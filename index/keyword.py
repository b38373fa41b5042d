"""The keyword side: BM25 (bm25s) over segmenter tokens, saved as .npy + JSON."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
from scipy import sparse

# An empty passage still needs one token so bm25s keeps passage i at row i.
_EMPTY = "∅"


class Bm25Keyword:
    """A bm25s index behind the :class:`index.engine.KeywordIndex` interface."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self.retriever = retriever
        # Passages per term, read off the score matrix (one CSC column per vocabulary entry).
        counts = np.diff(np.asarray(retriever.scores["indptr"]))
        self._df = {t: int(counts[i]) for t, i in retriever.vocab_dict.items() if i < len(counts)}

    @classmethod
    def build(cls, token_lists: Sequence[list[str]]) -> Bm25Keyword:
        """Index one token list per passage, in passage order."""
        retriever = bm25s.BM25()
        retriever.index([tokens or [_EMPTY] for tokens in token_lists], show_progress=False)
        return cls(retriever)

    @classmethod
    def load(cls, directory: Path) -> Bm25Keyword:
        """Load an index saved by :meth:`save`, kept in memory for every query."""
        return cls(bm25s.BM25.load(str(directory), allow_pickle=False, show_progress=False))

    def save(self, directory: Path) -> None:
        """Save as bm25s's .npy + JSON files, without pickle."""
        self.retriever.save(str(directory), allow_pickle=False, show_progress=False)

    def __len__(self) -> int:
        return int(self.retriever.scores["num_docs"])

    def _scores(self, counts: Counter[str]) -> np.ndarray:
        """BM25 of every passage, a term counting as often as the query repeats it.

        bm25s adds a repeated token once per occurrence; grouping the terms by their count
        gives the same sums with one pass per distinct count, however long the query.
        """
        by_count: dict[int, list[str]] = {}
        for term, count in counts.items():
            by_count.setdefault(count, []).append(term)
        total = np.zeros(len(self), dtype=np.float32)
        for count, terms in by_count.items():
            total += count * self.retriever.get_scores(terms)
        return total

    def document_frequency(self, term: str) -> int:
        """How many passages contain ``term``."""
        return self._df.get(term, 0)

    def term_presence(self) -> tuple[sparse.csr_matrix, list[str]]:
        """Passage × term presence, read off bm25s's score matrix (one CSC column per term)."""
        scores = self.retriever.scores
        vocab = sorted(self.retriever.vocab_dict, key=self.retriever.vocab_dict.get)
        columns = len(scores["indptr"]) - 1
        matrix = sparse.csc_matrix(
            (np.ones_like(scores["data"], dtype=np.float32), scores["indices"], scores["indptr"]),
            shape=(int(scores["num_docs"]), columns),
        ).tocsr()
        return matrix, vocab[:columns]

    def search(
        self, tokens: Sequence[str], k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passages for one tokenised query as (scores, ids); zero-score rows dropped.

        Passages outside ``allowed`` get score 0 before the top ``k`` is cut, so a filter
        never returns fewer hits than exist.
        """
        known = Counter(t for t in tokens if t in self.retriever.vocab_dict)
        total = len(self)
        if not known or k <= 0 or total == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores = self._scores(known)
        if allowed is not None:
            mask = np.zeros(total, dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        k = min(k, total)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        keep = scores[top] > 0
        return scores[top][keep].astype(np.float32), top[keep].astype(np.int64)
