"""Held-out evaluation for tuning: does a query find its own record among all passages?

Each held-out query (a record's title or message) ranks every reply passage of every
record, held-out and training alike, by cosine. A query's rank is that of the first
passage of its own record; MRR@10 and recall@10 are taken over the queries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.build import text_key
from index.embed import Embedder
from index.pairs import QUERY_KINDS, Pair, Passage
from index.partial import PartialVectors

logger = logging.getLogger(__name__)

CUTOFF = 10


@dataclass(frozen=True)
class EvalSet:
    """Held-out queries with their record, and every passage they are ranked against."""

    queries: tuple[str, ...]
    query_docs: tuple[str, ...]
    passages: tuple[Passage, ...]

    @classmethod
    def build(cls, pairs: Sequence[Pair], passages: Sequence[Passage]) -> EvalSet:
        """The distinct title/message queries of ``pairs`` (the held-out records' pairs)."""
        seen: dict[tuple[str, str], None] = {}
        for pair in pairs:
            if pair.kind in QUERY_KINDS:
                seen[(pair.anchor, pair.doc_id)] = None
        return cls(
            queries=tuple(q for q, _ in seen),
            query_docs=tuple(d for _, d in seen),
            passages=tuple(passages),
        )


@dataclass(frozen=True)
class Scores:
    """Record-level retrieval quality of one model on one :class:`EvalSet`."""

    mrr_at_10: float
    recall_at_10: float
    queries: int


def evaluate(
    embedder: Embedder, eval_set: EvalSet, *, cache_dir: Path | None = None, batch_size: int = 16
) -> Scores:
    """Embed the queries and passages of ``eval_set`` with ``embedder`` and score them.

    With ``cache_dir``, passage vectors are saved there as they are made (keyed by the
    model's fingerprint), so an interrupted run does not embed them again.
    """
    if not eval_set.queries:
        raise ValueError("no held-out queries to evaluate: hold out records that have replies")
    queries = embedder.encode_queries(list(eval_set.queries), batch_size=batch_size)
    passages = _passage_vectors(embedder, eval_set.passages, cache_dir, batch_size)
    return score(queries, eval_set.query_docs, passages, [p.doc_id for p in eval_set.passages])


def score(
    queries: np.ndarray,
    query_docs: Sequence[str],
    passages: np.ndarray,
    passage_docs: Sequence[str],
) -> Scores:
    """MRR@10 and recall@10 of each query's own record, from unit vectors."""
    if len(queries) != len(query_docs) or len(passages) != len(passage_docs):
        raise ValueError("each query and each passage needs exactly one doc id")
    docs = np.asarray(passage_docs, dtype=object)
    similarity = queries @ passages.T
    reciprocal = np.zeros(len(queries))
    for i, doc in enumerate(query_docs):
        own = docs == doc
        if not own.any():
            raise ValueError(f"query {i} belongs to record {doc}, which has no passage to find")
        best = similarity[i, own].max()
        rank = 1 + int((similarity[i] > best).sum())
        reciprocal[i] = 1.0 / rank if rank <= CUTOFF else 0.0
    return Scores(
        mrr_at_10=round(float(reciprocal.mean()), 4),
        recall_at_10=round(float((reciprocal > 0).mean()), 4),
        queries=len(queries),
    )


def _passage_vectors(
    embedder: Embedder, passages: Sequence[Passage], cache_dir: Path | None, batch_size: int
) -> np.ndarray:
    """One vector per passage; each distinct text embedded once (and cached when asked)."""
    keys = [text_key(p.text) for p in passages]
    todo = sorted({k: p.text for k, p in zip(keys, passages, strict=True)}.items(), key=_length)
    if cache_dir is None:
        vectors = embedder.encode_documents([t for _, t in todo], batch_size=batch_size)
        known = dict(zip((k for k, _ in todo), vectors, strict=True))
    else:
        partial = PartialVectors(cache_dir, embedder.fingerprint)
        known = partial.load()
        missing = [(k, t) for k, t in todo if k not in known]
        known.update(partial.embed(missing, embedder, batch_size=batch_size, progress=True))
    return np.stack([known[k] for k in keys]).astype(np.float32)


def _length(item: tuple[str, str]) -> int:
    return len(item[1])
