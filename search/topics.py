"""Recurring topics (热点): the records of a date window grouped by problem and named.

BERTopic's recipe on what the index already holds, with a cohesion rule on top. A record's
vector is the centred mean of its question-side passage vectors (:mod:`search.topic_features`);
FAISS spherical k-means makes fine groups (k from :func:`choose_k`); members far from their
centre leave the group, and only groups whose members are close to one another
(:data:`MIN_COHESION`) become topics — the rest are counted as 「其他（未成主题）」 rather than
shown as grab-bags. A complaint posted several times counts once
(:func:`search.topic_features.post_ids`); close topics are joined when the join stays
cohesive; each topic is named by the terms most of its posts share and few other records
use, and keeps only the members that have one of its two leading terms. The tightest topics
come first. The trend compares with the window of the same length before. Everything per
record is computed once per loaded index (bench/overview_speed.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import faiss
import numpy as np

from index.store import LoadedIndex
from search.counts import UNSTATED, FacetCount
from search.filters import reply_matches
from search.request import Filters
from search.topic_features import topic_features

logger = logging.getLogger(__name__)

SEED = 20201  # k-means seed: the same window always gives the same topics
MIN_K, MAX_K = 2, 80
RECORDS_PER_TOPIC = 15  # choose_k: fine groups, about one per this many records
MIN_MEMBER_COSINE = 0.5  # a record this far from its group's centre leaves the group
MIN_COHESION = 0.26  # mean pairwise cosine of a topic's members (centred vectors), at least
MIN_TOPIC = 5  # fewer distinct posts left: not a topic (counted in ``others``)
MERGE_COSINE = 0.5  # topics whose centres are this close are one (社保 ×4, 驾考 ×2 in round 2)
TERMS_PER_TOPIC = 6
MIN_TERM_COVERAGE = 0.4  # a name term is in at least this share of the topic's posts
KEEP_TERMS = 2  # a member's question has one of the topic's first this many terms, or it leaves
MAX_LIFT = 20.0  # past 20× its share overall a term is distinctive enough: coverage decides
OTHERS_LABEL = "其他（未成主题）"


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
    others: int  # window records in no topic (「其他（未成主题）」)
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (each topic with its ``query`` and ``trend``)."""
        data = asdict(self)
        for out, topic in zip(data["topics"], self.topics, strict=True):
            out["query"], out["trend"] = topic.query, topic.trend
        return data


def choose_k(records: int) -> int:
    """One group per :data:`RECORDS_PER_TOPIC` records, within [MIN_K, MAX_K] and ≤ n/3.

    On 附件4 a year holds ~900 records → 62 groups, of which the cohesive become topics;
    n/40 groups mixed problems (half judged incoherent), n/15 with the cohesion rule keeps
    them apart (bench/README, "Topics").
    """
    return max(1, min(MAX_K, max(MIN_K, round(records / RECORDS_PER_TOPIC)), records // 3))


class TopicModel:
    """Record vectors and record × term presence of one loaded index, computed once."""

    def __init__(self, index: LoadedIndex) -> None:
        self.replies = index.replies
        features = topic_features(index)
        self.vectors, self.terms, self.vocab = features.vectors, features.terms, features.vocab
        self._share, self.posts = features.share, features.posts
        self._column = {term: i for i, term in enumerate(self.vocab)}
        self._dates = np.array([r.date or "" for r in self.replies])

    def topics(self, date_from: str, date_to: str, filters: Filters | None = None) -> TopicReport:
        """The topics of records dated ``date_from``–``date_to`` (ISO) passing ``filters``."""
        window = self._records(date_from, date_to, filters)
        k = choose_k(len(window))
        settings = {"k_rule": f"n/{RECORDS_PER_TOPIC} in [{MIN_K},{MAX_K}]", "seed": SEED,
                    "min_member_cosine": MIN_MEMBER_COSINE, "min_cohesion": MIN_COHESION,
                    "min_topic": f"{MIN_TOPIC} distinct posts", "merge_cosine": MERGE_COSINE,
                    "min_term_coverage": MIN_TERM_COVERAGE, "keep_terms": KEEP_TERMS,
                    "order": "cohesion, tightest first",
                    "vectors": "centred mean of question-side passage vectors",
                    "terms": "question-side; not in > 5% of all records; stop list; "
                             "no place fragments"}  # fmt: skip
        if len(window) < MIN_TOPIC:
            return TopicReport(date_from, date_to, len(window), 0, (), len(window), settings)
        groups = merge_close(self.vectors, cohesive_groups(self.vectors, window, k, self.posts))
        groups, names = self._named(groups)
        centres = [_centre(self.vectors[g]) for g in groups]
        previous = self._previous_counts(date_from, date_to, filters, groups, centres)
        tightness = [cohesion(self.vectors[_one_per_post(g, self.posts)]) for g in groups]
        order = sorted(
            range(len(groups)), key=lambda c: (-tightness[c], self.replies[groups[c][0]].doc_id)
        )
        topics = [self._topic(groups[c], centres[c], names[c], int(previous[c])) for c in order]
        others = len(window) - sum(t.size for t in topics)
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
        groups: Sequence[np.ndarray],
        centres: Sequence[np.ndarray],
    ) -> np.ndarray:
        """Previous-window records per topic: nearest centre, and at least as close to it as
        :data:`MIN_MEMBER_COSINE` — the bar the topic's own members cleared (so unrelated
        records don't count, and a tight topic is not compared with a looser past)."""
        start, stop = _previous_window(date_from, date_to)
        before = self._records(start, stop, filters)
        counts = np.zeros(len(groups), dtype=np.int64)
        if not len(before) or not len(groups):
            return counts
        matrix = np.vstack(centres)
        sims = self.vectors[before] @ matrix.T
        nearest = sims.argmax(axis=1)
        close = sims[np.arange(len(before)), nearest] >= MIN_MEMBER_COSINE
        np.add.at(counts, nearest[close], 1)
        return counts

    def _named(
        self, groups: Sequence[np.ndarray]
    ) -> tuple[list[np.ndarray], list[tuple[str, ...]]]:
        """Each group without the members whose question has none of its first
        :data:`KEEP_TERMS` terms (a topic is about what its name says), renamed; groups left
        with fewer than :data:`MIN_TOPIC` posts or no name are dropped."""
        kept: list[np.ndarray] = []
        for group, terms in zip(groups, self._names(groups), strict=True):
            columns = [self._column[t] for t in terms[:KEEP_TERMS]]
            if not columns:
                continue
            has = np.asarray(self.terms[group][:, columns].sum(axis=1)).ravel() > 0
            group = group[has]
            if len(np.unique(self.posts[group])) >= MIN_TOPIC:
                kept.append(group)
        return kept, self._names(kept)

    def _names(self, groups: Sequence[np.ndarray]) -> list[tuple[str, ...]]:
        """Each topic's terms: in at least :data:`MIN_TERM_COVERAGE` of its members (and two),
        ranked by share in the topic × log(share in the topic / share in all records) — so
        a name says what most members ask about, not a word one of them used."""
        names = []
        for group in (_one_per_post(g, self.posts) for g in groups):
            inside = np.asarray(self.terms[group].sum(axis=0)).ravel()
            share = inside / len(group)
            enough = inside >= max(2.0, MIN_TERM_COVERAGE * len(group))
            lift = np.log(np.clip(share / np.maximum(self._share, 1e-9), 1.0, MAX_LIFT))
            score = np.where(enough, share * lift, 0.0)
            top = [int(i) for i in np.argsort(-score, kind="stable")[:20] if score[i] > 0]
            names.append(_distinct([(self.vocab[i], int(inside[i])) for i in top]))
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


def _distinct(candidates: Sequence[tuple[str, int]]) -> tuple[str, ...]:
    """Up to :data:`TERMS_PER_TOPIC` of ``(term, members)``, best first, without the pieces
    jieba also cuts from a compound (自来 beside 自来水): of two terms one inside the other,
    the longer stays when nearly as many members have it, else the shorter."""
    chosen: list[tuple[str, int]] = []
    for term, count in candidates:
        overlap = next((i for i, (c, _) in enumerate(chosen) if c in term or term in c), None)
        if overlap is None:
            chosen.append((term, count))
        elif chosen[overlap][0] in term and count >= 0.8 * chosen[overlap][1]:
            chosen[overlap] = (term, count)
        if len(chosen) == TERMS_PER_TOPIC:
            break
    return tuple(term for term, _ in chosen)


def cohesive_groups(
    vectors: np.ndarray, window: np.ndarray, k: int, posts: np.ndarray | None = None
) -> list[np.ndarray]:
    """The window's k-means groups that hold together, each without its far members.

    A member whose cosine to its group's centre is under :data:`MIN_MEMBER_COSINE` leaves;
    the group stays when :data:`MIN_TOPIC` distinct posts remain (``posts``: one id per row,
    reposts share it; default: every row its own) and their mean pairwise cosine
    (:func:`cohesion`, one member per post) reaches :data:`MIN_COHESION`. Ids are rows of
    ``vectors``.
    """
    posts = np.arange(len(vectors)) if posts is None else posts
    centroids, labels = _kmeans(vectors[window], k)
    groups = []
    for c in range(k):
        members = window[labels == c]
        members = members[vectors[members] @ centroids[c] >= MIN_MEMBER_COSINE]
        distinct = _one_per_post(members, posts)
        if len(distinct) >= MIN_TOPIC and cohesion(vectors[distinct]) >= MIN_COHESION:
            groups.append(members)
    return groups


def merge_close(vectors: np.ndarray, groups: list[np.ndarray]) -> list[np.ndarray]:
    """``groups`` with the closest pairs joined while their centres are at cosine ≥
    :data:`MERGE_COSINE` and the joined group still reaches :data:`MIN_COHESION` — one
    problem is one topic, but two neighbours do not make a grab-bag."""
    groups = list(groups)
    while len(groups) > 1:
        centres = np.vstack([_centre(vectors[g]) for g in groups])
        sims = np.triu(centres @ centres.T, k=1)
        pairs = [(a, b) for a, b in zip(*np.nonzero(sims >= MERGE_COSINE), strict=True)]
        pairs.sort(key=lambda p: -sims[p])
        joined = next(
            (
                (a, b)
                for a, b in pairs
                if cohesion(vectors[np.concatenate([groups[a], groups[b]])]) >= MIN_COHESION
            ),
            None,
        )
        if joined is None:
            return groups
        a, b = joined
        groups[a] = np.sort(np.concatenate([groups[a], groups[b]]))
        del groups[b]
    return groups


def _one_per_post(members: np.ndarray, posts: np.ndarray) -> np.ndarray:
    """``members`` with one record (the first) per post."""
    _, first = np.unique(posts[members], return_index=True)
    return members[np.sort(first)]


def cohesion(vectors: np.ndarray) -> float:
    """Mean cosine between distinct pairs of unit ``vectors`` (1.0 for fewer than two)."""
    n = len(vectors)
    if n < 2:
        return 1.0
    total = vectors.sum(axis=0)
    return float((total @ total - n) / (n * (n - 1)))


def _centre(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


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
