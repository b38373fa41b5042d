"""Ranking records: each retriever's list, fused with RRF at the record level, then priors.

A record (one reply with the question it answers) is ranked from all its passages: the
dense and keyword passage rankings each become a record ranking (a record at its best
passage), the record-level BM25 ranks whole records (once by the query's words, once by
its character bigrams, see :mod:`index.record_terms`), and RRF fuses them — so a dense hit
on the citizen's message and a keyword hit on the reply add up. The priors of
:mod:`search.priors` follow (thin and very long answers damped, measures lifted for a
question that asks for them), and records whose own 文号 or 《title》 the query names go
first, in every mode. In hybrid mode the query vector then moves toward the best passages
of the top records (:mod:`search.feedback`) and the dense side is searched once more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.docnum import normalize_doc_number, same_doc_number
from index.embed import Embedder
from index.store import LoadedIndex
from search.feedback import expand_query
from search.fuse import rrf, rrf_ceiling
from search.priors import ReplyTraits, apply_priors
from search.query import PreparedQuery
from search.rerank import Reranker, rerank
from search.settings import SearchSettings


@dataclass(frozen=True)
class RankedPassage:
    """A passage id with its fused passage-level score."""

    passage: int
    score: float


@dataclass(frozen=True)
class RankedRecord:
    """A record (index into the replies) with its score in [0, 1] and its best passages."""

    record: int
    score: float
    passages: tuple[RankedPassage, ...]


@dataclass(frozen=True)
class Ranking:
    """One retriever's ranked ids (passages or records) and its weight in the fusion."""

    ids: list[int]
    weight: float
    of_records: bool = False


# How far apart e5 cosines of a good and a poor passage lie: a question side weighted 0.5
# loses half of it, so it must be that much closer to the query to rank alongside a reply.
DENSE_SPREAD = 0.1


class Ranker:
    """Everything ranking needs from one loaded index, computed once at load."""

    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        position = {r.doc_id: i for i, r in enumerate(index.replies)}
        self.passage_record = np.array([position[c.doc_id] for c in index.chunks], dtype=np.int64)
        # Each record's first passage (-1: none), found once rather than per hit by a scan.
        self.first_passage = np.full(len(index.replies), -1, dtype=np.int64)
        records, firsts = np.unique(self.passage_record, return_index=True)
        self.first_passage[records] = firsts
        fields = np.array([c.field for c in index.chunks])
        self.reply_passages = np.flatnonzero(fields == "reply").astype(np.int64)
        self.question_passages = np.flatnonzero(fields == "question").astype(np.int64)
        answer_chars = np.zeros(len(index.replies), dtype=np.int64)
        for chunk, record in zip(index.chunks, self.passage_record, strict=True):
            if chunk.field == "reply":
                answer_chars[record] += len(chunk.passage)
        self.traits = ReplyTraits(answer_chars, np.array([bool(r.measures) for r in index.replies]))
        self._normalized = [normalize_doc_number(c.text) for c in index.chunks]

    def rank(
        self,
        query: PreparedQuery,
        mode: str,
        records: np.ndarray | None,
        settings: SearchSettings,
        *,
        depth: int,
        reranker: Reranker | None = None,
    ) -> list[RankedRecord]:
        """Records for ``query`` best first; ``records`` restricts to those (None: all)."""
        passages = self._allowed_passages(records)
        if passages is not None and len(passages) == 0:
            return []
        sides = self._sides(passages, settings.question_share(len(query.text)))
        keyword = self._keyword_rankings(query, mode, sides, passages, records, settings, depth)
        vector = None if mode == "keyword" else self._query_vector(query)
        rankings = [*self._dense_ranking(vector, sides, settings, depth), *keyword]
        order = self._order(rankings, query, records, settings)
        if mode == "hybrid" and settings.feedback_records > 0 and vector is not None and order:
            vector = self._with_feedback(vector, order, rankings, settings)
            rankings = [*self._dense_ranking(vector, sides, settings, depth), *keyword]
            order = self._order(rankings, query, records, settings)
        shown = self._passages(rankings, settings)
        ranked = [RankedRecord(r, s, tuple(shown.get(r, ()))) for r, s in order]
        if reranker is not None:
            ranked = self._rerank(reranker, query, ranked, settings.rerank_depth)
        return [self._with_fallback_passage(r) for r in ranked]

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term over the passages."""
        total = max(len(self.index.chunks), 1)
        return float(np.log(1 + total / (1 + self.index.keyword.document_frequency(term))))

    def _allowed_passages(self, records: np.ndarray | None) -> np.ndarray | None:
        if records is None:
            return None
        ok = _mask(records, len(self.index.replies))
        return np.flatnonzero(ok[self.passage_record]).astype(np.int64)

    def _sides(
        self, passages: np.ndarray | None, share: float
    ) -> list[tuple[np.ndarray | None, float]]:
        """(allowed passages, share) of the reply side and, when it counts, the question side."""
        sides = [(self._within(passages, self.reply_passages), 1.0)]
        if share > 0 and len(self.question_passages):
            sides.append((self._within(passages, self.question_passages), share))
        return sides

    def _dense_ranking(
        self,
        vector: np.ndarray | None,
        sides: Sequence[tuple[np.ndarray | None, float]],
        settings: SearchSettings,
        depth: int,
    ) -> list[Ranking]:
        if vector is None or settings.dense_weight <= 0:
            return []
        found = [self._dense(vector, allowed, depth, share) for allowed, share in sides]
        return [Ranking(_merged(found, depth), settings.dense_weight)]

    def _keyword_rankings(
        self,
        query: PreparedQuery,
        mode: str,
        sides: Sequence[tuple[np.ndarray | None, float]],
        passages: np.ndarray | None,
        records: np.ndarray | None,
        settings: SearchSettings,
        depth: int,
    ) -> list[Ranking]:
        if mode not in ("hybrid", "keyword"):
            return []
        terms = [*query.terms, *query.doc_numbers, *query.titles]
        found = [self._keyword(terms, allowed, depth, share) for allowed, share in sides]
        rankings = [Ranking(_merged(found, depth), settings.keyword_weight)]
        # The record index holds words and bigrams; each is queried as a ranking of its own.
        for weight, tokens in (
            (settings.record_keyword_weight, terms),
            (settings.bigram_weight, list(query.bigrams)),
        ):
            if weight > 0 and tokens:
                _, rec = self.index.record_keyword.search(tokens, depth, records)
                rankings.append(Ranking(rec.tolist(), weight, True))
        exact = self._citing(query, passages)
        if exact:
            rankings.append(Ranking(exact, settings.exact_weight))
        return [r for r in rankings if r.weight > 0]

    def _order(
        self,
        rankings: Sequence[Ranking],
        query: PreparedQuery,
        records: np.ndarray | None,
        settings: SearchSettings,
    ) -> list[tuple[int, float]]:
        """Fused, weighed by the priors, the query's own 文号/《title》 first."""
        order = apply_priors(self._fuse(rankings, settings), query, settings, self.traits)
        return self._pin_own(order, query, records)

    def _with_feedback(
        self,
        vector: np.ndarray,
        order: Sequence[tuple[int, float]],
        rankings: Sequence[Ranking],
        settings: SearchSettings,
    ) -> np.ndarray:
        """The query vector moved toward the best passages of the top records (Rocchio)."""
        shown = self._passages(rankings, settings)
        top = [r for r, _ in order[: settings.feedback_records]]
        ids = [shown[r][0].passage if r in shown else int(self.first_passage[r]) for r in top]
        ids = [i for i in ids if i >= 0]
        if not ids:
            return vector
        return expand_query(
            vector, self.index.dense.vectors(np.array(ids)), settings.feedback_weight
        )

    def _within(self, passages: np.ndarray | None, side: np.ndarray) -> np.ndarray | None:
        """The allowed passages of one side; None (no restriction) when that is all of them."""
        if passages is None:
            return None if len(side) == len(self.index.chunks) else side
        return np.intersect1d(passages, side, assume_unique=True)

    def _query_vector(self, query: PreparedQuery) -> np.ndarray:
        vectors = self.embedder.encode_queries(list(query.dense_texts))
        centroid = vectors.mean(axis=0, keepdims=True)
        return centroid / max(float(np.linalg.norm(centroid)), 1e-12)

    def _dense(
        self, vector: np.ndarray, allowed: np.ndarray | None, depth: int, share: float
    ) -> list[tuple[int, float]]:
        """(passage, cosine) pairs; a share below 1 lowers the cosines by up to DENSE_SPREAD."""
        if allowed is not None and not len(allowed):
            return []
        scores, ids = self.index.dense.search(vector, depth, allowed)
        offset = (1.0 - share) * DENSE_SPREAD
        return [
            (int(i), float(s) - offset) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0
        ]

    def _keyword(
        self, terms: list[str], allowed: np.ndarray | None, depth: int, share: float
    ) -> list[tuple[int, float]]:
        """(passage, BM25 score × share) pairs."""
        if allowed is not None and not len(allowed):
            return []
        scores, ids = self.index.keyword.search(terms, depth, allowed)
        return [(int(i), float(s) * share) for i, s in zip(ids, scores, strict=True)]

    def _citing(self, query: PreparedQuery, passages: np.ndarray | None) -> list[int]:
        """Passages that cite a 文号 or 《title》 the query names."""
        needles = [*query.doc_numbers, *query.titles]
        if not needles:
            return []
        ok = None if passages is None else set(passages.tolist())
        return [
            i
            for i, text in enumerate(self._normalized)
            if (ok is None or i in ok) and any(n in text for n in needles)
        ]

    def _fuse(
        self, rankings: Sequence[Ranking], settings: SearchSettings
    ) -> list[tuple[int, float]]:
        lists = [r.ids if r.of_records else self._records_of(r.ids) for r in rankings]
        weights = [r.weight for r in rankings]
        ceiling = rrf_ceiling(weights, k=settings.rrf_k) if weights else 1.0
        return [(r, s / ceiling) for r, s in rrf(lists, weights, k=settings.rrf_k)]

    def _records_of(self, passages: Sequence[int]) -> list[int]:
        """Records in the order of their first (best) passage."""
        return list(dict.fromkeys(int(self.passage_record[p]) for p in passages))

    def _pin_own(
        self, order: list[tuple[int, float]], query: PreparedQuery, records: np.ndarray | None
    ) -> list[tuple[int, float]]:
        """Records whose own 文号 or 《title》 the query names, first, with score 1."""
        if not (query.doc_numbers or query.titles):
            return order
        allowed = None if records is None else set(records.tolist())
        own = [
            i
            for i, r in enumerate(self.index.replies)
            if (allowed is None or i in allowed)
            and (
                (r.doc_number and any(same_doc_number(r.doc_number, n) for n in query.doc_numbers))
                or any(t in (r.proposal_title, r.title.strip("《》")) for t in query.titles)
            )
        ]
        pinned = set(own)
        return [(r, 1.0) for r in own] + [(r, s) for r, s in order if r not in pinned]

    def _passages(
        self, rankings: Sequence[Ranking], settings: SearchSettings
    ) -> dict[int, list[RankedPassage]]:
        """Each record's passages from the passage rankings, best fused first."""
        lists = [r for r in rankings if not r.of_records]
        weights = [r.weight for r in lists]
        ceiling = rrf_ceiling(weights, k=settings.rrf_k) if weights else 1.0
        out: dict[int, list[RankedPassage]] = {}
        for passage, score in rrf([r.ids for r in lists], weights, k=settings.rrf_k):
            record = int(self.passage_record[passage])
            out.setdefault(record, []).append(RankedPassage(passage, score / ceiling))
        return out

    def _rerank(
        self, reranker: Reranker, query: PreparedQuery, ranked: list[RankedRecord], top: int
    ) -> list[RankedRecord]:
        ranked = [self._with_fallback_passage(r) for r in ranked]
        texts = [self.index.chunks[r.passages[0].passage].text for r in ranked]
        order = rerank(reranker, query.text, list(range(len(ranked))), texts, top=top)
        return [ranked[i] for i, _ in order]

    def _with_fallback_passage(self, ranked: RankedRecord) -> RankedRecord:
        """A record found by the record-level BM25 alone shows its first passage."""
        if ranked.passages:
            return ranked
        first = int(self.first_passage[ranked.record])
        if first < 0:
            return ranked
        return RankedRecord(ranked.record, ranked.score, (RankedPassage(first, 0.0),))


def _merged(sides: Sequence[list[tuple[int, float]]], depth: int) -> list[int]:
    """Passage ids of both sides, best adjusted score first, cut at ``depth``."""
    pooled = sorted((pair for side in sides for pair in side), key=lambda p: -p[1])
    return [i for i, _ in pooled[:depth]]


def _mask(ids: np.ndarray, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return mask
