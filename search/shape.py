"""From ranked records to hits: collapse duplicates, pick passages, locate query terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from index.docnum import doc_number_spans
from index.reply import Chunk, Measure, Reply
from search.hit import MatchedPassage, SearchHit
from search.query import PreparedQuery
from search.rank import RankedPassage, RankedRecord


def group_hits(
    ranked: Sequence[RankedRecord],
    *,
    k: int,
    query: PreparedQuery,
    chunks: Sequence[Chunk],
    replies: Sequence[Reply],
    duplicates: dict[str, tuple[str, ...]],
    passages_per_hit: int,
) -> list[SearchHit]:
    """The best ``k`` replies, near-duplicates folded into the first one seen."""
    terms = highlight_terms(query)
    doc_numbers = set(query.doc_numbers)
    hits: list[SearchHit] = []
    shown: set[str] = set()
    for item in ranked:
        reply = replies[item.record]
        if reply.doc_id in shown:
            continue
        folded = duplicates.get(reply.doc_id, ())
        shown.update((reply.doc_id, *folded))
        passages = list(item.passages[:passages_per_hit])
        hit = _hit(reply, len(hits) + 1, passages, terms, doc_numbers, chunks, folded)
        hits.append(replace(hit, score=round(float(item.score), 6)))
        if len(hits) == k:
            break
    return hits


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
