from __future__ import annotations

import json
from pathlib import Path

import pytest

from search import QueryError
from search.eval import evaluate, mrr_at, ndcg_at, read_queries, recall_at


def test_metrics_on_a_known_ranking() -> None:
    rel = frozenset({"b"})
    ranked = ["a", "b", "c"]
    assert recall_at(ranked, rel, 1) == 0.0
    assert recall_at(ranked, rel, 5) == 1.0
    assert mrr_at(ranked, rel, 10) == 0.5
    assert ndcg_at(ranked, rel, 10) == pytest.approx(1 / 1.5849625)


def test_evaluate_averages_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    rows = [
        {"qid": 1, "query": "x", "relevant_ids": [1]},
        {"qid": 2, "query": "y", "relevant_ids": ["9"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    queries = read_queries(path)
    result = evaluate(queries, lambda q: ["1", "2"] if q == "x" else ["2", "3"])
    assert result["queries"] == 2
    assert result["recall@1"] == 0.5
    assert result["mrr@10"] == 0.5
    assert set(result) == {"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "queries"}


def test_malformed_query_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"qid": 1, "query": "x", "relevant_ids": []}\n{"qid": 2}\n', encoding="utf-8")
    with pytest.raises(QueryError, match="line 2"):
        read_queries(path)


def test_a_hit_counts_when_a_folded_duplicate_is_relevant() -> None:
    ranked = [("a",), ("b", "dup-of-b")]
    rel = frozenset({"dup-of-b"})
    assert mrr_at(ranked, rel, 10) == 0.5
    assert recall_at(ranked, rel, 1) == 0.0 and recall_at(ranked, rel, 2) == 1.0
