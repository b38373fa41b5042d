"""The graded metrics and the bookkeeping of bench.quality (no shared data needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.baseline import Baseline
from bench.graded import judged_at, mrr_at, ndcg_at, recall_at
from bench.quality import score, todo, variants
from bench.quality_sets import HELD_OUT, REPHRASED, Query, rephrased_queries
from search import Searcher
from tests.fakes import FakeEmbedder


def test_graded_metrics_on_a_small_ranking() -> None:
    grades = {"a": 2, "b": 1, "c": 0, "d": 2}
    ranked = ["b", "a", "x", "d"]
    assert mrr_at(ranked, grades) == pytest.approx(1 / 2)  # first grade-2 at rank 2
    assert mrr_at(ranked, grades, least=1) == 1.0
    assert recall_at(ranked, grades) == 1.0
    assert judged_at(ranked, grades) == pytest.approx(3 / 4)
    assert 0 < ndcg_at(ranked, grades) < 1
    assert ndcg_at(["a", "d", "b"], grades) == pytest.approx(1.0)
    assert ndcg_at(["x"], {}) == 0.0 and recall_at(["x"], {"y": 1}) == 0.0


def test_score_groups_by_style_and_staff_queries_together() -> None:
    runs = [
        {"qid": "q1", "style": "question", "variant": "hybrid", "doc_ids": ["a", "b"]},
        {"qid": "q1", "style": "question", "variant": "baseline-hybrid", "doc_ids": ["b", "a"]},
        {"qid": "p1", "style": "pasted", "variant": "hybrid", "doc_ids": ["c"]},
    ]
    grades = {("q1", "a"): 2, ("q1", "b"): 0, ("p1", "c"): 1}
    table = score(runs, grades)
    assert set(table) == {"question", "all-staff", "pasted"}
    assert table["question"]["hybrid"]["ndcg@10"] == 1.0
    assert table["question"]["baseline-hybrid"]["mrr@10"] == 0.5
    assert table["pasted"]["hybrid"]["queries"] == 1


def test_held_out_queries_are_scored_apart_from_the_dev_sets() -> None:
    runs = [
        {"qid": "q1", "style": "question", "variant": "hybrid", "doc_ids": ["a"]},
        {"qid": "fq1", "style": "question", "split": HELD_OUT, "variant": "hybrid",
         "doc_ids": ["b"]},
        {"qid": "7", "style": "pasted", "split": HELD_OUT, "variant": "hybrid", "doc_ids": ["c"]},
    ]  # fmt: skip
    table = score(runs, {("q1", "a"): 2, ("fq1", "b"): 0, ("7", "c"): 2})
    assert set(table) == {
        "question", "all-staff", "held-out question", "held-out all-staff", "held-out pasted"
    }  # fmt: skip
    assert table["question"]["hybrid"]["ndcg@10"] == 1.0
    assert table["held-out question"]["hybrid"]["ndcg@10"] == 0.0
    assert table["held-out pasted"]["hybrid"]["queries"] == 1


def test_todo_lists_only_ungraded_pairs_of_each_query() -> None:
    queries = [Query("q1", "keyword", "停车 收费", "need"), Query("q2", "keyword", "路灯", "")]
    runs = [
        {"qid": "q1", "style": "keyword", "variant": "a", "doc_ids": ["1", "2"]},
        {"qid": "q1", "style": "keyword", "variant": "b", "doc_ids": ["2", "3"]},
        {"qid": "q2", "style": "keyword", "variant": "a", "doc_ids": ["1"]},
    ]
    pending = todo(queries, runs, {("q1", "2"): 1, ("q2", "1"): 0}, {"1": "记录一", "3": "记录三"})
    assert [p["qid"] for p in pending] == ["q1"]
    assert sorted(c["doc_id"] for c in pending[0]["candidates"]) == ["1", "3"]
    assert pending[0]["need"] == "need"


def test_variants_add_the_tuned_index_modes_only_when_given(fake_index: Path) -> None:
    searcher = Searcher.load(fake_index, embedder=FakeEmbedder())
    baseline = Baseline.build(
        [("r1", "加装电梯 补贴"), ("r2", "停车 收费")], FakeEmbedder(), cache_dir=None
    )
    plain = variants(searcher, baseline)
    with_tuned = variants(searcher, baseline, tuned=searcher)
    assert set(with_tuned) - set(plain) == {"dense-tuned", "hybrid-tuned"}
    query = "中小企业 园区"
    assert with_tuned["hybrid-tuned"](query) == plain["hybrid"](query)
    assert with_tuned["dense-tuned"](query) == plain["dense"](query)


def test_a_rephrasing_is_scored_and_pooled_as_the_query_it_rephrases(tmp_path: Path) -> None:
    original = Query("q1", "question", "小区停车难以往怎么答复的？", "停车难", HELD_OUT)
    lines = ['{"qid": "q1-r1", "of": "q1", "query": "帮我找一下小区停车难的答复口径"}']
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [again] = rephrased_queries([original], tmp_path / "r.jsonl")
    assert (again.split, again.style, again.need, again.grades_qid) == (
        REPHRASED, "question", "停车难", "q1"
    )  # fmt: skip
    runs = [
        {"qid": "q1-r1", "style": "question", "split": REPHRASED, "variant": "hybrid",
         "judged_as": "q1", "doc_ids": ["a", "b"]},
    ]  # fmt: skip
    assert score(runs, {("q1", "a"): 2})["rephrased question"]["hybrid"]["ndcg@10"] == 1.0
    pending = todo([original, again], runs, {("q1", "a"): 2}, {"b": "记录"})
    assert [(p["qid"], p["query"]) for p in pending] == [("q1", original.text)]
    assert [c["doc_id"] for c in pending[0]["candidates"]] == ["b"]


def test_a_rephrasing_of_an_unknown_query_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text('{"qid": "x-r1", "of": "x", "query": "路灯"}\n', "utf-8")
    with pytest.raises(ValueError, match="x-r1 rephrases x"):
        rephrased_queries([], tmp_path / "r.jsonl")
