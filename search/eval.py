"""Retrieval metrics over a query file (JSON lines: qid, query, relevant_ids)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from search.errors import QueryError


@dataclass(frozen=True)
class LabelledQuery:
    """One evaluation query and the doc ids that answer it."""

    qid: str
    query: str
    relevant_ids: frozenset[str]


def read_queries(path: Path) -> list[LabelledQuery]:
    """Parse a query file; a malformed line is a :class:`QueryError` naming the line."""
    if not path.is_file():
        raise FileNotFoundError(f"Query file {path} does not exist.")
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            queries.append(
                LabelledQuery(
                    str(row["qid"]),
                    str(row["query"]),
                    frozenset(str(r) for r in row["relevant_ids"]),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            detail = (
                f"{path} line {number}: expected JSON with qid, query and relevant_ids ({exc})."
            )
            raise QueryError("bad_query_file", detail=detail) from exc
    if not queries:
        raise QueryError("bad_query_file", detail=f"{path} holds no queries.")
    return queries


# A ranked entry is one doc id, or the ids of one hit: the reply shown and the near-duplicates
# folded into it. A hit counts as relevant when any of its ids is.
Ranked = Sequence[str | Collection[str]]


def _ids(entry: str | Collection[str]) -> frozenset[str]:
    return frozenset((entry,)) if isinstance(entry, str) else frozenset(entry)


def recall_at(ranked: Ranked, relevant: frozenset[str], k: int) -> float:
    """Share of the relevant ids found in the top ``k``."""
    found = frozenset().union(*(_ids(e) for e in ranked[:k]))
    return len(relevant & found) / len(relevant) if relevant else 0.0


def mrr_at(ranked: Ranked, relevant: frozenset[str], k: int) -> float:
    """Reciprocal rank of the first relevant hit in the top ``k`` (0 when none)."""
    for rank, entry in enumerate(ranked[:k], start=1):
        if _ids(entry) & relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Ranked, relevant: frozenset[str], k: int) -> float:
    """Binary-relevance nDCG of the top ``k``."""
    dcg = sum(
        1.0 / math.log2(r + 1) for r, e in enumerate(ranked[:k], start=1) if _ids(e) & relevant
    )
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def evaluate(
    queries: Iterable[LabelledQuery], run: Callable[[str], Ranked]
) -> dict[str, float | int]:
    """Mean recall@1/5/10, MRR@10 and nDCG@10 of ``run`` (query → ranked hits)."""
    totals = {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}
    count = 0
    for q in queries:
        ranked = list(run(q.query))
        totals["recall@1"] += recall_at(ranked, q.relevant_ids, 1)
        totals["recall@5"] += recall_at(ranked, q.relevant_ids, 5)
        totals["recall@10"] += recall_at(ranked, q.relevant_ids, 10)
        totals["mrr@10"] += mrr_at(ranked, q.relevant_ids, 10)
        totals["ndcg@10"] += ndcg_at(ranked, q.relevant_ids, 10)
        count += 1
    result: dict[str, float | int] = {n: round(v / max(count, 1), 4) for n, v in totals.items()}
    result["queries"] = count
    return result
