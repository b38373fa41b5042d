"""Scores of ranked lists against graded judgments (0 unrelated, 1 same area, 2 same problem).

Unjudged results count as 0, and ``judged_at`` says how many of the top results had a
grade, so a figure is read beside how complete its judgments were.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Grades = Mapping[str, int]  # doc id → grade, for one query


def dcg(gains: Sequence[int]) -> float:
    """Discounted cumulative gain with linear gains (grade 2 counts twice grade 1)."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))


def ndcg_at(ranked: Sequence[str], grades: Grades, k: int = 10) -> float:
    """nDCG@k against the best k grades known for the query (0 when none is above 0)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(d, 0) for d in ranked[:k]]) / ideal if ideal else 0.0


def mrr_at(ranked: Sequence[str], grades: Grades, k: int = 10, *, least: int = 2) -> float:
    """1 / rank of the first result graded ``least`` or more (the same problem) in the top k."""
    for rank, doc in enumerate(ranked[:k], start=1):
        if grades.get(doc, 0) >= least:
            return 1.0 / rank
    return 0.0


def recall_at(ranked: Sequence[str], grades: Grades, k: int = 10) -> float:
    """Share of the query's grade-2 records found in the top k (of at most k); 0 when none."""
    best = {d for d, g in grades.items() if g == 2}
    if not best:
        return 0.0
    return sum(1 for d in ranked[:k] if d in best) / min(len(best), k)


def judged_at(ranked: Sequence[str], grades: Grades, k: int = 10) -> float:
    """Share of the top k that has a grade."""
    top = ranked[:k]
    return sum(1 for d in top if d in grades) / len(top) if top else 1.0


METRICS = {"ndcg@10": ndcg_at, "mrr@10": mrr_at, "r@10": recall_at, "judged@10": judged_at}
