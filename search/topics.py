"""Recurring topics (热点): the records of a date window grouped by meaning and named.

BERTopic's recipe on what the index already holds: a record's vector is the normalised mean
of its passage vectors; FAISS k-means groups the window's records (k from :func:`choose_k`);
each group is named by its most distinctive terms (c-TF-IDF over the record-level BM25
vocabulary, which is jieba's tokens with stopwords and reply boilerplate already out) and the
titles nearest its centre. The trend compares with the window of the same length before.
Everything per record is computed once per loaded index, so a one-year window takes
milliseconds (bench/overview_speed.py).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import faiss
import numpy as np
from scipy import sparse

from index.store import LoadedIndex
from search.counts import UNSTATED, FacetCount
from search.filters import reply_matches
from search.request import Filters

logger = logging.getLogger(__name__)

SEED = 20201  # k-means seed: the same window always gives the same topics
MIN_K, MAX_K = 2, 30
RECORDS_PER_TOPIC = 40  # choose_k: about one topic per this many records (see choose_k)
MIN_TOPIC = 3  # smaller groups are left out of the list (still counted in ``others``)
TERMS_PER_TOPIC = 6
# Masked place names (A市, A2区), numbers and Latin fragments name no problem.
_NOT_A_TERM = re.compile(r"^[\dA-Za-z.%\-]+[市区县镇乡村街]?$|^.$")
# Words of every message and reply (who writes, who answers, that it was handled); the
# segmenter's stopwords keep the rest of the boilerplate out already.
GENERIC_TERMS = frozenset(
    "政府 部门 工作 投诉 反映 问题 要求 咨询 请求 相关 希望 情况 处理 管理 调查 西地 西地省 "
    "有关 单位 办理 进行 领导 群众 市民 网友 你好 您好 电话 联系 回复 答复 留言 感谢 感谢您 "
    "支持 我局 先例".split()
)


@dataclass(frozen=True)
class Topic:
    """One recurring topic of a window: its name, size, trend and who answered it."""

    terms: tuple[str, ...]  # most distinctive first
    titles: tuple[str, ...]  # the records nearest the centre, nearest first
    size: int
    previous: int  # records of the previous window of the same length that fall in it
    issuers: tuple[FacetCount, ...]
    done_share: float  # share of its records with at least one done measure
    doc_ids: tuple[str, ...]  # nearest the centre first

    @property
    def query(self) -> str:
        """What opening the topic searches for: its four leading terms."""
        return " ".join(self.terms[:4])

    @property
    def trend(self) -> float | None:
        """Relative change against the previous window (None when it had none)."""
        return None if not self.previous else (self.size - self.previous) / self.previous


@dataclass(frozen=True)
class TopicReport:
    """The topics of one window, with the settings that produced them."""

    date_from: str
    date_to: str
    records: int
    k: int
    topics: tuple[Topic, ...]
    others: int  # records in groups smaller than MIN_TOPIC
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (each topic with its ``query`` and ``trend``)."""
        data = asdict(self)
        for out, topic in zip(data["topics"], self.topics, strict=True):
            out["query"], out["trend"] = topic.query, topic.trend
        return data


def choose_k(records: int) -> int:
    """One topic per :data:`RECORDS_PER_TOPIC` records, within [MIN_K, MAX_K] and ≤ n/3.

    On 附件4 a year holds ~900 records → 23 topics; fewer, larger groups mixed problems,
    more split one problem by district (bench/README, "Topics").
    """
    return max(1, min(MAX_K, max(MIN_K, round(records / RECORDS_PER_TOPIC)), records // 3))


class TopicModel:
    """Record vectors and record × term counts of one loaded index, computed once."""

    def __init__(self, index: LoadedIndex) -> None:
        self.replies = index.replies
        self.vectors = _record_vectors(index)
        self.terms, self.vocab = _record_terms(index)
        self._dates = np.array([r.date or "" for r in self.replies])

    def topics(self, date_from: str, date_to: str, filters: Filters | None = None) -> TopicReport:
        """The topics of records dated ``date_from``–``date_to`` (ISO) passing ``filters``."""
        window = self._records(date_from, date_to, filters)
        k = choose_k(len(window))
        settings = {"k_rule": f"n/{RECORDS_PER_TOPIC} in [{MIN_K},{MAX_K}]", "seed": SEED,
                    "min_topic": MIN_TOPIC, "vectors": "mean of passage vectors"}  # fmt: skip
        if len(window) < MIN_TOPIC:
            return TopicReport(date_from, date_to, len(window), 0, (), len(window), settings)
        centroids, labels = _kmeans(self.vectors[window], k)
        previous = self._previous_counts(date_from, date_to, filters, centroids, labels, window)
        groups = [window[labels == c] for c in range(k)]
        names = self._c_tf_idf([g for g in groups])
        topics = [
            self._topic(group, centroids[c], names[c], int(previous[c]))
            for c, group in enumerate(groups)
            if len(group) >= MIN_TOPIC
        ]
        topics.sort(key=lambda t: (-t.size, t.doc_ids[0]))
        others = sum(len(g) for g in groups if len(g) < MIN_TOPIC)
        return TopicReport(date_from, date_to, len(window), k, tuple(topics), others, settings)

    def _records(self, date_from: str, date_to: str, filters: Filters | None) -> np.ndarray:
        if filters is not None:  # the window decides the dates
            filters = replace(filters, date_from=None, date_to=None)
        dated = (self._dates >= date_from) & (self._dates <= date_to) & (self._dates != "")
        ids = np.flatnonzero(dated)
        if filters is not None and not filters.is_empty():
            ids = np.array([i for i in ids if reply_matches(self.replies[i], filters)], dtype=int)
        return ids.astype(np.int64)

    def _previous_counts(
        self,
        date_from: str,
        date_to: str,
        filters: Filters | None,
        centroids: np.ndarray,
        labels: np.ndarray,
        window: np.ndarray,
    ) -> np.ndarray:
        """Previous-window records per topic: nearest centre, and at least as close to it as
        the 10th percentile of the topic's own members (so unrelated records don't count)."""
        start, stop = _previous_window(date_from, date_to)
        before = self._records(start, stop, filters)
        counts = np.zeros(len(centroids), dtype=np.int64)
        if not len(before):
            return counts
        own = np.einsum("ij,ij->i", self.vectors[window], centroids[labels])
        cut = np.array([np.percentile(own[labels == c], 10) if (labels == c).any() else 1.0
                        for c in range(len(centroids))])  # fmt: skip
        sims = self.vectors[before] @ centroids.T
        nearest = sims.argmax(axis=1)
        close = sims[np.arange(len(before)), nearest] >= cut[nearest]
        np.add.at(counts, nearest[close], 1)
        return counts

    def _c_tf_idf(self, groups: Sequence[np.ndarray]) -> list[tuple[str, ...]]:
        """Each group's most distinctive terms: tf within the group × log(1 + A / tf overall)."""
        tf = np.vstack([np.asarray(self.terms[g].sum(axis=0)).ravel() for g in groups])
        average = tf.sum() / max(len(groups), 1)
        idf = np.log1p(average / np.maximum(tf.sum(axis=0), 1))
        weights = tf / np.maximum(tf.sum(axis=1, keepdims=True), 1) * idf
        names = []
        for row in weights:
            top = np.argsort(-row, kind="stable")[:TERMS_PER_TOPIC]
            names.append(tuple(self.vocab[int(i)] for i in top if row[i] > 0))
        return names

    def _topic(
        self, group: np.ndarray, centre: np.ndarray, terms: tuple[str, ...], previous: int
    ) -> Topic:
        order = group[np.argsort(-(self.vectors[group] @ centre), kind="stable")]
        replies = [self.replies[i] for i in order]
        issuers = Counter(r.issuer or UNSTATED for r in replies)
        done = sum(any(m.stage == "done" for m in r.measures) for r in replies)
        return Topic(
            terms=terms,
            titles=tuple(r.title for r in replies[:2]),
            size=len(replies),
            previous=previous,
            issuers=tuple(FacetCount(v, n) for v, n in issuers.most_common()),
            done_share=round(done / len(replies), 3),
            doc_ids=tuple(r.doc_id for r in replies),
        )


def _record_vectors(index: LoadedIndex) -> np.ndarray:
    """Each record's normalised mean passage vector (zeros for a record without passages)."""
    position = {r.doc_id: i for i, r in enumerate(index.replies)}
    rows = np.array([position[c.doc_id] for c in index.chunks], dtype=np.int64)
    sums = np.zeros((len(index.replies), index.vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, rows, index.vectors.astype(np.float32))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.ascontiguousarray(sums / np.maximum(norms, 1e-12), dtype=np.float32)


def _record_terms(index: LoadedIndex) -> tuple[sparse.csr_matrix, list[str]]:
    """Record × term presence (0/1) from the record-level BM25 matrix, and the vocabulary,
    with terms that name no problem (single characters, numbers, masked places) left out."""
    retriever = index.record_keyword.retriever  # type: ignore[attr-defined]
    scores = retriever.scores
    vocab = sorted(retriever.vocab_dict, key=retriever.vocab_dict.get)
    matrix = sparse.csc_matrix(
        (np.ones_like(scores["data"], dtype=np.float32), scores["indices"], scores["indptr"]),
        shape=(int(scores["num_docs"]), len(scores["indptr"]) - 1),
    ).tocsr()
    names = vocab[: matrix.shape[1]]
    keep = np.array([not (_NOT_A_TERM.match(t) or t in GENERIC_TERMS) for t in names], dtype=bool)
    matrix = matrix @ sparse.diags(keep.astype(np.float32))
    return matrix.tocsr(), vocab


def _kmeans(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Spherical FAISS k-means with a fixed seed: centres (normalised) and labels."""
    km = faiss.Kmeans(
        vectors.shape[1], k, niter=25, seed=SEED, spherical=True, min_points_per_centroid=1
    )
    km.train(vectors)
    raw = np.asarray(km.centroids, dtype=np.float32)
    centroids = raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-12)
    labels = (vectors @ centroids.T).argmax(axis=1)
    return centroids.astype(np.float32), labels


def _previous_window(date_from: str, date_to: str) -> tuple[str, str]:
    """The window of the same length that ends the day before ``date_from``."""
    start, stop = date.fromisoformat(date_from), date.fromisoformat(date_to)
    end = start - timedelta(days=1)
    return (end - (stop - start)).isoformat(), end.isoformat()
