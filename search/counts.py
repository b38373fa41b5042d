"""Facet counts beside a result list: how often a problem came up, when, who answered, how.

A search ranks far more records than it shows; the counts cover every ranked record whose
fused score reaches a share of the best one (:data:`FLOOR_SHARE`), not only the top k, and
they respect the filters because the ranking already did. Counting is plain Python over at
most a few hundred records: well under a millisecond.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from index.reply import Reply
from search.rank import RankedRecord
from search.request import Filters, SearchRequest

# A record counts when its fused score is at least this share of the top record's. Measured
# on eight staff-style queries over the 附件4 index (bench/README, "Overview"): the last
# record kept was still about the asked problem for 6 of 8 queries at 0.5, 4 at 0.4, 3 at 0.3;
# 0.5 keeps 15–36 records of the 100–160 a k=10 search ranks, so the ranking depth never cuts it.
FLOOR_SHARE = 0.5
MONTHS_UP_TO_DAYS = 2 * 366  # a range this short (or shorter) is counted per month
UNSTATED = "未注明"  # the bucket for records without an issuer, grade or date
MEASURE_KEYS: tuple[str, ...] = ("done", "ongoing", "planned", "none")
MEASURE_LABELS: dict[str, str] = {
    "done": "有已落实措施",
    "ongoing": "有正在推进措施",
    "planned": "有下一步计划",
    "none": "无具体措施",
}


@dataclass(frozen=True)
class FacetCount:
    """One bar of a facet: a value and how many matching records have it."""

    value: str
    count: int


@dataclass(frozen=True)
class OverviewCounts:
    """How many matching records per period, issuer, kind, grade and measure stage.

    ``period`` says whether ``by_period`` counts years (``2019``) or months (``2019-03``).
    ``measures`` counts records holding at least one measure of each stage (a record can
    count under done and planned both) and records with none.
    """

    total: int
    floor: float  # the score a record needed to be counted
    period: str  # "year" or "month"
    by_period: tuple[FacetCount, ...]
    by_issuer: tuple[FacetCount, ...]
    by_kind: tuple[FacetCount, ...]
    by_grade: tuple[FacetCount, ...]
    measures: tuple[FacetCount, ...]
    date_min: str | None
    date_max: str | None
    doc_ids: tuple[str, ...] = ()  # the counted records, best first

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict whose keys are the field names."""
        return asdict(self)

    def count_of(self, facet: str, value: str) -> int:
        """The count of ``value`` in one facet (``by_kind``, ``measures``…); 0 when absent."""
        counts: tuple[FacetCount, ...] = getattr(self, facet)
        return next((c.count for c in counts if c.value == value), 0)

    def top_issuer(self) -> str | None:
        """The issuer that answered most of the matching records (None when none is stated)."""
        stated = [c for c in self.by_issuer if c.value != UNSTATED]
        return stated[0].value if stated else None


def above_floor(scores: Sequence[float], share: float = FLOOR_SHARE) -> int:
    """How many of ``scores`` (best first) reach ``share`` of the first; the floor is a prefix
    because a ranking is sorted."""
    if not scores:
        return 0
    floor = share * scores[0]
    return sum(1 for s in scores if s >= floor)


def overview_counts(
    ranked: Sequence[RankedRecord], replies: Sequence[Reply], request: SearchRequest
) -> OverviewCounts:
    """Counts over the ranked records (already filtered) that reach the relevance floor."""
    scores = [r.score for r in ranked]
    kept = above_floor(scores)
    floor = FLOOR_SHARE * scores[0] if scores else 0.0
    matching = [replies[r.record] for r in ranked[:kept]]
    return count_records(matching, floor=floor, filters=request.filters)


def count_records(
    replies: Sequence[Reply], *, floor: float = 0.0, filters: Filters | None = None
) -> OverviewCounts:
    """Facet counts over ``replies`` (the matching records, best first)."""
    dates = sorted(r.date for r in replies if r.date)
    period = _period(filters or Filters(), dates)
    width = 4 if period == "year" else 7
    by_period = Counter((r.date or UNSTATED)[:width] if r.date else UNSTATED for r in replies)
    return OverviewCounts(
        total=len(replies),
        floor=round(floor, 6),
        period=period,
        by_period=_ordered(by_period, by_value=True),
        by_issuer=_ordered(Counter(r.issuer or UNSTATED for r in replies)),
        by_kind=_ordered(Counter(r.kind for r in replies)),
        by_grade=_ordered(Counter(r.result_grade or UNSTATED for r in replies), by_value=True),
        measures=_measure_counts(replies),
        date_min=dates[0] if dates else None,
        date_max=dates[-1] if dates else None,
        doc_ids=tuple(r.doc_id for r in replies),
    )


def _period(filters: Filters, dates: Sequence[str]) -> str:
    """Months when the filtered range (or, without one, the matched dates) spans ≤ 2 years."""
    start = filters.date_from or (dates[0] if dates else None)
    stop = filters.date_to or (dates[-1] if dates else None)
    if not (start and stop):
        return "year"
    return "month" if _days(start, stop) <= MONTHS_UP_TO_DAYS else "year"


def _days(start: str, stop: str) -> int:
    return (date.fromisoformat(stop[:10]) - date.fromisoformat(start[:10])).days


def _measure_counts(replies: Iterable[Reply]) -> tuple[FacetCount, ...]:
    counts = dict.fromkeys(MEASURE_KEYS, 0)
    for reply in replies:
        stages = {m.stage for m in reply.measures}
        for stage in stages & set(counts):
            counts[stage] += 1
        if not stages:
            counts["none"] += 1
    return tuple(FacetCount(k, n) for k, n in counts.items())


def _ordered(counter: Counter[str], *, by_value: bool = False) -> tuple[FacetCount, ...]:
    """Most frequent first (ties by value), or by value with the unstated bucket last."""
    if by_value:
        items = sorted(counter.items(), key=lambda kv: (kv[0] == UNSTATED, kv[0]))
    else:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(FacetCount(value, count) for value, count in items)
