"""The devset construction (masking, keywords, duplicates) and the eval pipeline end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bench import devset, eval_modes
from bench.devset import Message, build_devset
from bench.devset_text import keyword_query, mask_opening, mask_reply
from search import Searcher, SearchSettings
from tests.fakes import FakeEmbedder

TOPICS = [
    ("A1区星光小区物业乱收停车费", "星光小区物业每月多收停车费两百元，业主很不满意。",
     "经查，星光小区停车收费未经业主大会表决，街道已责令物业公司退还多收的停车费，并公示收费标准。"),
    ("A2区学府路路灯长期不亮", "学府路晚上路灯全部不亮，行人夜间出行很危险。",
     "经查，学府路路灯线路老化，城管局已安排更换电缆和灯具，预计本月底恢复夜间照明。"),
    ("A市公积金贷款额度咨询", "想了解首套房公积金贷款最高可以贷多少，需要什么材料。",
     "根据现行规定，首套住房公积金贷款最高额度为七十万元，需提供购房合同、收入证明和身份证明材料。"),
    ("A3区幼儿园收费过高", "孩子所在的民办幼儿园每学期收费上涨三成，家长负担太重。",
     "教育局已对该民办幼儿园收费备案进行核查，超出备案标准部分责令整改，并退还家长多收的保育费。"),
    ("A4区河道垃圾堆积发臭", "清水河边堆满生活垃圾，夏天发臭，蚊虫很多。",
     "河长办已组织环卫人员清理清水河沿岸垃圾，设置垃圾收集点，并安排保洁员每日巡查河道。"),
    ("A5区公交线路调整建议", "希望增开从新城到火车站的公交线路，早高峰很难等车。",
     "交通运输局已将新城至火车站线路纳入公交线网优化方案，拟于下季度开通高峰快线。"),
]  # fmt: skip
BOILERPLATE = "网友：您好！留言已收悉"


OPENING = "网友：您好！您反映的问题已收悉，现回复如下："


def _messages() -> list[Message]:
    rows = [
        Message(str(100 + i), title, message, OPENING + reply, "2019/5/10")
        for i, (title, message, reply) in enumerate(TOPICS)
    ]
    rows.append(Message("200", "请求增加交通辅警待遇", "辅警工资太低。", BOILERPLATE, "2019/5/11"))
    rows.append(
        Message("201", "星光小区停车费再次反映", "停车费问题仍未解决。", rows[0].reply, "2019/5/12")
    )
    return rows


def test_opening_acknowledgement_is_cut_up_to_the_colon() -> None:
    body = "网友“UU1”：您好！您的留言已收悉。现将有关情况回复如下：经查，该路段已于5月修复。"
    rest, removed = mask_opening(body)
    assert rest == "经查，该路段已于5月修复。"
    assert removed == len(body) - len(rest)


def test_opening_stops_at_the_first_piece_without_a_marker() -> None:
    body = "经查，该路段已于5月修复。您反映的其他问题已转交。"
    assert mask_opening(body) == (body, 0)


def test_opening_cuts_at_most_three_pieces() -> None:
    body = "您好！留言收悉。感谢您的留言。您反映的问题我们已转交。网友的问题已处理完毕。"
    rest, _ = mask_opening(body)
    assert rest == "您反映的问题我们已转交。网友的问题已处理完毕。"


def test_stretches_shared_with_the_title_are_removed_short_ones_kept() -> None:
    title = "A市星光小区物业乱收停车费问题"
    body = "经查，星光小区物业乱收停车费问题属实。星光小区已整改。"
    masked = mask_reply(body, [title])
    assert "物业乱收停车费" not in masked.text
    assert "星光小区已整改" in masked.text  # 4 shared characters stay
    assert masked.shared_chars == len("星光小区物业乱收停车费问题")
    assert masked.opening_chars == 0


def test_keywords_drop_place_codes_and_sub_words_and_keep_title_order() -> None:
    tokens = {"A9市北盛镇公积金贷款问题": ["北盛镇", "公积", "积金", "公积金", "贷款", "问题"]}
    idf = {"北盛镇": 5.0, "公积金": 3.0, "贷款": 2.0, "问题": 0.1, "公积": 9.0, "积金": 9.0}

    def tokenize(text: str) -> list[str]:
        assert "A9市" not in text
        return tokens["A9市北盛镇公积金贷款问题"]

    query = keyword_query("A9市北盛镇公积金贷款问题", tokenize, lambda t: idf[t], 3)
    assert query == "北盛镇 公积金 贷款"
    assert keyword_query("问题", lambda _: ["问题"], lambda _: 1.0, 3) == ""


def test_devset_drops_boilerplate_and_points_duplicates_to_one_reply() -> None:
    built = build_devset(_messages(), tokenize=lambda t: [t[i : i + 2] for i in range(len(t) - 1)])
    ids = [r["id"] for r in built.corpus]
    assert "201" not in ids  # identical reply: indexed once, under the first id
    qids = {q["qid"]: q["relevant_ids"] for q in built.queries["title"]}
    assert qids["201:title"] == ["100"]
    assert "200:title" not in qids  # boilerplate reply: nothing can answer it
    assert built.stats["boilerplate_replies"] == 1
    first = next(r for r in built.corpus if r["id"] == "100")
    assert not first["body"].startswith("网友") and "停车收费" in first["body"]


def test_committed_message_queries_hold_ids_and_come_back_from_the_table() -> None:
    messages = _messages()
    built = build_devset(messages, tokenize=lambda t: [t[:2], t[2:4]])
    committed = devset.committed_rows("message", built.queries["message"])
    assert all("query" not in r and r["message_id"] for r in committed)
    assert devset.materialize(committed, messages) == built.queries["message"]


def test_with_settings_changes_the_copy_only(fake_index: Path) -> None:
    searcher = Searcher.load(fake_index, embedder=FakeEmbedder())
    tuned = searcher.with_settings(SearchSettings(dense_weight=3.0, rrf_k=5, max_terms=8))
    assert tuned.settings.rrf_k == 5 and tuned.index is searcher.index
    assert searcher.settings == SearchSettings()
    hits = tuned.search("电梯 加装", k=3)
    assert hits and hits[0].score <= 1.0


def test_eval_pipeline_end_to_end_with_the_fake_embedder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "附件4.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言编号", "留言主题", "留言详情", "答复意见", "答复时间"])
        for m in _messages():
            writer.writerow([m.id, m.title, m.message, m.reply, m.date])
    dirs = [
        "--table",
        str(table),
        "--work-dir",
        str(tmp_path / "work"),
        "--data-dir",
        str(tmp_path / "data"),
    ]
    assert devset.main([*dirs, "--n", "20"]) == 0
    capsys.readouterr()
    assert eval_modes.main([*dirs, "--fake", "--tune"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out[out.index("\n{") :])
    title = result["defaults"]["title"]
    assert title["keyword"]["queries"] == 7  # 8 messages, the boilerplate one left out
    assert title["keyword"]["recall@10"] == 1.0  # each title shares words with its reply
    assert set(result["best"]) == set(SearchSettings.__dataclass_fields__)
    assert result["confirm_best"]["message"]["hybrid"]["queries"] >= 3


def test_percentile_interpolates_and_refuses_nothing() -> None:
    from bench.search_speed import percentile

    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)
    assert percentile([1.0, 2.0, 3.0], 100) == 3.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_mixed_queries_interleave_the_kinds_evenly() -> None:
    from bench.search_speed import mixed_queries
    from search.eval import LabelledQuery

    by_kind = {
        k: [LabelledQuery(f"{i}:{k}", f"{k}{i}", frozenset()) for i in range(5)] for k in ("a", "b")
    }
    pairs = mixed_queries(by_kind, 4)
    assert pairs == [("a", "a0"), ("b", "b0"), ("a", "a1"), ("b", "b1")]


def test_judged_precision_and_ndcg_per_mode() -> None:
    from bench.judge import from_judgments, judgments, score_runs

    runs = [
        {"qid": "q", "mode": "hybrid", "doc_ids": ["a", "b", "c", "d", "e"]},
        {"qid": "q", "mode": "dense", "doc_ids": ["e", "d", "c", "b", "a"]},
        {"qid": "q", "mode": "keyword", "doc_ids": ["c"]},
    ]
    grades = {("q", "a"): 2, ("q", "b"): 1, ("q", "c"): 0, ("q", "d"): 0, ("q", "e"): 0}
    result = score_runs(runs, grades)
    assert result["hybrid"]["p@5(grade>=1)"] == pytest.approx(0.4)
    assert result["hybrid"]["p@5(grade=2)"] == pytest.approx(0.2)
    assert result["hybrid"]["ndcg@5"] == pytest.approx(1.0)
    assert 0 < result["dense"]["ndcg@5"] < result["hybrid"]["ndcg@5"]
    assert result["keyword"]["ndcg@5"] == 0.0
    with pytest.raises(ValueError, match="no grade"):
        score_runs([{"qid": "q", "mode": "hybrid", "doc_ids": ["zz"]}], grades)
    rows = judgments(runs, {k: (g, "") for k, g in grades.items()}, {"q": "标题"})
    assert [r["rank"] for r in rows[:2]] == [1, 2] and rows[0]["query"] == "标题"
    assert score_runs(*from_judgments(rows)) == result  # the committed file alone suffices


def test_repool_reuses_committed_grades_and_grades_only_new_pairs() -> None:
    from bench.judge import head_to_head, known_grades, merged_grades, to_grade

    known = known_grades([{"qid": "q", "doc_id": "a", "grade": 2, "note": "old"}])
    pooled = [
        {"qid": "q", "message": "m", "candidates": [{"doc_id": "a"}, {"doc_id": "b"}]},
        {"qid": "r", "message": "n", "candidates": [{"doc_id": "a"}]},
    ]
    todo = to_grade(pooled, known)
    assert [(r["qid"], [c["doc_id"] for c in r["candidates"]]) for r in todo] == [
        ("q", ["b"]),
        ("r", ["a"]),  # a grade is per (query, reply): r's "a" is still ungraded
    ]
    runs = [
        {"qid": "q", "mode": "hybrid", "doc_ids": ["a", "b"]},
        {"qid": "q", "mode": "dense", "doc_ids": ["b", "a"]},
    ]
    fresh = {("q", "b"): (0, "new")}
    grades, n_fresh, n_reused = merged_grades(runs, fresh, known)
    assert grades == {("q", "a"): (2, "old"), ("q", "b"): (0, "new")}
    assert (n_fresh, n_reused) == (1, 1)
    later = merged_grades(runs, {("q", "a"): (1, "later"), **fresh}, known)[0]
    assert later[("q", "a")] == (1, "later")  # the judge's later word wins
    with pytest.raises(ValueError, match="no grade for query q"):
        merged_grades(runs, {}, known)
    plain = {k: g for k, (g, _) in grades.items()}
    assert head_to_head(runs, plain, "hybrid", "dense") == {"better": 1, "equal": 0, "worse": 0}


def test_paired_ci_brackets_the_mean_difference() -> None:
    from bench.eval_modes import paired_ci

    ci = paired_ci([1.0, 0.5, 1.0, 0.0], [0.5, 0.5, 0.0, 0.0])
    assert ci["delta"] == pytest.approx(37.5)
    assert ci["low"] <= ci["delta"] <= ci["high"]
    with pytest.raises(ValueError):
        paired_ci([1.0], [])
