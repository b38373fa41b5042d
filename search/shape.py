"""From ranked passages to hits: group by reply, collapse duplicates, locate query terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.docnum import doc_number_spans
from index.reply import Chunk, Measure, Reply
from search.hit import MatchedPassage, SearchHit
from search.query import PreparedQuery


@dataclass(frozen=True)
class RankedPassage:
    """A passage id with the score shown for it."""

    passage: int
    score: float


def group_hits(
    ranked: Sequence[RankedPassage],
    *,
    k: int,
    query: PreparedQuery,
    chunks: Sequence[Chunk],
    replies: dict[str, Reply],
    duplicates: dict[str, tuple[str, ...]],
    passages_per_hit: int,
) -> list[SearchHit]:
    """The best ``k`` replies, each once, near-duplicates folded into the first one seen."""
    order: list[str] = []
    passages: dict[str, list[RankedPassage]] = {}
    shown: dict[str, str] = {}  # doc id → the doc id of the hit that shows it
    for item in ranked:
        doc_id = chunks[item.passage].doc_id
        leader = shown.get(doc_id)
        if leader is None:
            if len(order) == k:
                continue
            order.append(doc_id)
            leader = doc_id
            for other in (doc_id, *duplicates.get(doc_id, ())):
                shown.setdefault(other, doc_id)
        if leader == doc_id and len(passages.setdefault(doc_id, [])) < passages_per_hit:
            passages[doc_id].append(item)
    terms = highlight_terms(query)
    doc_numbers = set(query.doc_numbers)
    return [
        _hit(replies[d], rank, passages[d], terms, doc_numbers, chunks, duplicates.get(d, ()))
        for rank, d in enumerate(order, start=1)
    ]


def _hit(
    reply: Reply,
    rank: int,
    ranked: list[RankedPassage],
    terms: tuple[str, ...],
    doc_numbers: set[str],
    chunks: Sequence[Chunk],
    duplicates: tuple[str, ...],
) -> SearchHit:
    matched = [
        MatchedPassage(
            chunk_id=chunks[r.passage].chunk_id,
            heading=chunks[r.passage].heading,
            text=chunks[r.passage].passage,
            score=round(float(r.score), 6),
            highlights=find_spans(chunks[r.passage].passage, terms, doc_numbers),
            field=chunks[r.passage].field,
        )
        for r in ranked
    ]
    return SearchHit.from_reply(
        reply,
        rank=rank,
        passages=matched,
        measures=order_measures(reply.measures, terms),
        duplicates=duplicates,
    )


def highlight_terms(query: PreparedQuery) -> tuple[str, ...]:
    """Terms worth marking: keyword terms of two or more characters, and cited titles."""
    terms = [t for t in query.terms if len(t) >= 2 or (t.isalnum() and not t.isascii())]
    return tuple(dict.fromkeys([*query.titles, *terms]))


def find_spans(
    text: str, terms: Sequence[str], doc_numbers: set[str] | None = None
) -> tuple[tuple[int, int], ...]:
    """Merged ``(start, end)`` spans of every occurrence of ``terms`` in ``text``."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for term in terms:
        if term and "〔" not in term:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term.lower()), lowered)]
    if doc_numbers:
        spans += doc_number_spans(text, doc_numbers)
    return tuple(_merge(spans))


def order_measures(measures: Sequence[Measure], terms: Sequence[str]) -> tuple[Measure, ...]:
    """Measures that mention query terms first (most terms first), the rest in reply order."""

    def matched(measure: Measure) -> int:
        blob = f"{measure.title}{measure.text}".lower()
        return sum(1 for t in terms if len(t) >= 2 and t.lower() in blob)

    return tuple(sorted(measures, key=lambda m: -matched(m)))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
