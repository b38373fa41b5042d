"""Span matching, scoring, labels and packets of the measure benchmark (no shared data)."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest

import bench.measures as measures_cli
from bench.measures import GroupScore, predicted_spans, score_item
from bench.measures_draw import allot, topic_of
from bench.measures_fields import FieldCounts
from bench.measures_labels import (
    GoldMeasure,
    ItemLabels,
    LabelError,
    OtherSpan,
    by_item,
    load_labels,
    parse_line,
)
from bench.measures_sample import assign_splits
from bench.measures_score import (
    Counts,
    Span,
    cohen_kappa,
    find_span,
    match_spans,
    overlap,
    spans_match,
)
from bench.measures_text import SampleItem, locate, packet_lines, sentence_spans, text_sha
from bench.measures_train import DEVELOPMENT_SPLITS, clause_labels, load_train_items
from index.clauses import split_clauses
from index.reply import Handling, Measure, Reply, Source

TEXT = "网友：您好！执法人员已责令其安装油烟净化设施。下一步，我局将加强巡查。"


def _item(item: str = "m001", *, kind: str = "message_reply", year: str = "2019") -> SampleItem:
    return SampleItem(
        item=item, source="tipdm4", doc_id="1", path="tipdm2020/附件4.xlsx", kind=kind,
        split="test", year=year, topic="", double=False, chars=len(TEXT), text_sha=text_sha(TEXT),
    )  # fmt: skip


def _line(labeller: str = "A", **measure: object) -> dict[str, object]:
    m = {"start": 6, "end": 23, "title": "责令安装油烟净化设施", "stage": "done", **measure}
    return {"item": "m001", "labeller": labeller, "measures": [m], "other": []}


def test_overlap_rule_is_half_of_the_shorter_span() -> None:
    gold = Span(0, 10)
    assert overlap(gold, Span(5, 30)) == 5
    assert spans_match(gold, Span(5, 30))  # 5 of the shorter 10
    assert not spans_match(gold, Span(6, 30))  # 4 of 10
    assert not spans_match(gold, Span(10, 20))  # touching is no overlap
    assert spans_match(Span(0, 100), Span(40, 44))  # a short span inside a long one
    assert spans_match(gold, Span(6, 30), min_share=0.4)


def test_stricter_rule_takes_the_share_of_the_longer_span() -> None:
    assert not spans_match(Span(0, 100), Span(40, 44), share_of="longer")  # a fragment
    assert not spans_match(Span(0, 10), Span(0, 30), share_of="longer")  # too long
    assert spans_match(Span(0, 10), Span(2, 12), share_of="longer")  # 8 of 10
    assert match_spans([Span(0, 100)], [Span(40, 44)], share_of="longer") == []
    with pytest.raises(ValueError, match="share_of"):
        spans_match(Span(0, 10), Span(0, 10), share_of="union")


def test_invalid_span_is_refused() -> None:
    with pytest.raises(ValueError, match="start < end"):
        Span(5, 5)


def test_matching_is_one_to_one_and_greedy_by_overlap() -> None:
    gold = [Span(0, 10), Span(10, 20)]
    pred = [Span(0, 20)]  # one long prediction over two gold measures
    assert match_spans(gold, pred) == [(0, 0)]
    pred = [Span(2, 20), Span(0, 9)]
    # (1, 0) overlaps 10, (0, 1) overlaps 9, (0, 0) overlaps 8: the two largest win.
    assert match_spans(gold, pred) == [(0, 1), (1, 0)]
    assert match_spans([], pred) == []


def test_counts_give_precision_recall_f1_and_stage_accuracy() -> None:
    counts = Counts()
    gold = [Span(0, 10, "done"), Span(20, 30, "planned"), Span(40, 50, "ongoing")]
    pred = [Span(0, 10, "done"), Span(21, 30, "done"), Span(60, 70, "done"), Span(80, 90)]
    counts.add(gold, pred, match_spans(gold, pred))
    assert (counts.gold, counts.pred, counts.matched) == (3, 4, 2)
    assert counts.precision == 0.5
    assert counts.recall == pytest.approx(2 / 3)
    assert counts.f1 == pytest.approx(4 / 7)
    assert counts.f_beta(1.0) == pytest.approx(4 / 7)  # F1 again
    # P 0.5, R 2/3: F0.5 = 1.25 PR / (0.25 P + R), nearer precision than F1 is.
    assert counts.f_beta(0.5) == pytest.approx(1.25 * (1 / 3) / (0.125 + 2 / 3))
    assert counts.stage_accuracy == 0.5
    assert counts.stages == Counter({("done", "done"): 1, ("planned", "done"): 1})
    empty = Counts()
    assert empty.precision is None and empty.recall is None and empty.stage_accuracy is None
    assert empty.f_beta(0.5) is None


def test_cohen_kappa() -> None:
    assert cohen_kappa(Counter({("done", "done"): 5, ("planned", "planned"): 5})) == 1.0
    pairs = Counter({("a", "a"): 20, ("a", "b"): 5, ("b", "a"): 10, ("b", "b"): 15})
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa(Counter()) is None


def test_find_span_exact_in_reading_order_then_robust() -> None:
    text = "已整改。已整改。将复查。"
    assert find_span(text, "已整改。") == (0, 4)
    assert find_span(text, "已整改。", start_at=1) == (4, 8)
    assert find_span("将于 2024年\n开工建设", "将于2024年开工建设") == (0, 13)
    near = find_span("经查，执法人员已责令其安装油烟净化设施。", "执法人员已责令其安装油烟净化设备")
    assert near == (3, 19)
    assert find_span(text, "完全不同的句子内容") is None
    assert find_span(text, "  ") is None


def test_predicted_spans_and_score_item_on_a_fake_reply() -> None:
    measures = (
        Measure(title="执法人员已责令其安装油烟净化设施", text=TEXT[6:23], stage="done"),
        Measure(title="我局将加强巡查", text="下一步，我局将加强巡查。", stage="planned"),
        Measure(title="lost", text="这段文字并不在答复里出现过", stage="done"),
    )
    reply = Reply(doc_id="1", kind="message_reply", title="t", body=TEXT,
                  source=Source("x.csv", 2), measures=measures)  # fmt: skip
    spans, kept, lost = predicted_spans(reply, TEXT)
    assert [(s.start, s.end) for s in spans] == [(6, 23), (23, 35)] and lost == 1
    assert len(kept) == 2
    gold = parse_line({**_line(), "other": [{"start": 0, "end": 6, "type": "ack"}]}, "t")
    score = GroupScore()
    triples = score_item(score, _item(), ItemLabels(gold, gold, None), reply, min_share=0.5)
    assert (score.counts.gold, score.counts.pred, score.counts.matched) == (1, 3, 1)
    assert score.unlocated == 1
    assert triples[0]["gold_title"] == "责令安装油烟净化设施"
    assert triples[0]["span_text"] == TEXT[6:23]


def test_label_lines_are_checked() -> None:
    labels = parse_line(_line(actor="执法人员", amounts=["5万元"], dates=["7日内"]), "t")
    assert labels.measures[0].actor == "执法人员" and labels.measures[0].amounts == ("5万元",)
    with pytest.raises(LabelError, match="≤ 20"):
        parse_line(_line(title="责令" * 11), "t")
    with pytest.raises(LabelError, match="stage"):
        parse_line(_line(stage="finished"), "t")
    with pytest.raises(LabelError, match="start < end"):
        parse_line(_line(start=9, end=9), "t")
    with pytest.raises(LabelError, match="type"):
        parse_line({**_line(), "other": [{"start": 0, "end": 3, "type": "note"}]}, "t")


def test_label_file_duplicates_and_adjudication(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    assert load_labels(path) == []
    lines = [_line("A"), _line("B", stage="ongoing"), _line("adjudicated", stage="planned")]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n")
    grouped = by_item(load_labels(path))["m001"]
    assert grouped.gold.labeller == "adjudicated"
    assert (grouped.first.labeller, grouped.second and grouped.second.labeller) == ("A", "B")
    path.write_text(json.dumps(_line("A")) + "\n" + json.dumps(_line("A")) + "\n")
    with pytest.raises(LabelError, match="one line per item and labeller"):
        load_labels(path)


def test_packet_lines_carry_true_offsets() -> None:
    text = "一、工作情况\n已投入资金50万元，完成改造。" + "将继续推进" * 12 + "。\n联系人：张三"
    for line in packet_lines(text, width=10):
        if line:
            offset, rest = int(line[1:5]), line[6:].lstrip()
            assert text[offset : offset + len(rest)] == rest
    short = "甲。 乙！\n\n丙"
    assert [short[s:e] for s, e in sentence_spans(short)] == ["甲。", "乙！", "丙"]
    assert locate("已整改，已整改", "已整改") == [(0, 3), (4, 7)]


def test_allot_and_splits() -> None:
    quota = allot({"2011": 2, "2012": 40, "2019": 900}, 60)
    assert sum(quota.values()) == 60 and quota["2011"] == 2 and quota["2012"] >= 3
    with pytest.raises(ValueError, match="cannot draw"):
        allot({"2019": 5}, 6)
    items = [_item(f"m{i:03d}", year=str(2012 + i % 5)) for i in range(50)]
    items += [_item(f"f{i:03d}", kind="proposal_reply") for i in range(7)]
    split = assign_splits(items, random.Random(1))
    test = Counter(it.kind for it in split if it.split == "test")
    assert test == {"message_reply": 20, "proposal_reply": 3}
    assert [it.item for it in split] == [it.item for it in items]
    assert topic_of("A市某小区物业乱收费") == "城乡建设" and topic_of("咨询") == "其他"


def test_cli_exits_2_without_labels_or_shared_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps([asdict(_item())]), encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    args = ["--sample", str(sample), "--labels", str(labels)]
    assert measures_cli.main(args) == 2
    assert "no labels yet" in capsys.readouterr().err
    labels.write_text(json.dumps(_line(), ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setitem(measures_cli.SOURCE_ROOTS, "tipdm4", tmp_path / "absent")
    assert measures_cli.main(args) == 2
    assert "skipped:" in capsys.readouterr().err


def test_field_counts_actor_dates_amounts_and_handling() -> None:
    gold = GoldMeasure(6, 23, "责令安装油烟净化设施", "done", "明湖区综合行政执法局",
                       ("5万元",), ("7日内", "4月25日"))  # fmt: skip
    pred = Measure("责令安装油烟净化设施", TEXT[6:23], "done", amounts=("5万元",),
                   actor="综合行政执法局", dates=("于7日内",))  # fmt: skip
    counts = FieldCounts()
    counts.add_pair(gold, pred)
    assert (counts.actor_rate, counts.date_recall, counts.amount_recall) == (1.0, 0.5, 1.0)
    counts.add_pair(gold, Measure("t", "x", "done", actor="市交通运输局"))
    assert counts.actor_rate == 0.5
    handling = (Handling("您好", "ack"), Handling("下一步，我局将加强巡查", "referral"))
    counts.add_handling(TEXT, handling, [OtherSpan(3, 5, "ack"), OtherSpan(24, 35, "ack")])
    h = counts.handling
    assert (h.gold, h.pred, h.matched, h.stage_accuracy) == (2, 2, 2, 0.5)


def test_training_labels_heads_continuations_and_lead_ins() -> None:
    text = "经查，执法人员已责令其整改，并处罚款2万元。下一步，我局将加强巡查。该店位于城区。"
    clauses = split_clauses(text)
    gold = [
        GoldMeasure(0, 14, "责令整改", "done"),  # 经查，执法人员已责令其整改
        GoldMeasure(15, 21, "处罚款", "done"),
        GoldMeasure(22, 33, "加强巡查", "planned"),  # 下一步，我局将加强巡查
    ]
    assert clause_labels(clauses, gold) == ["C", "H", "H", "C", "H", "O"]


@pytest.mark.parametrize("splits", [("fresh2",), ("dev", "test", "fresh", "fresh2"), ("all",)])
def test_training_refuses_a_split_held_for_the_final_reading(
    tmp_path: Path, splits: tuple[str, ...]
) -> None:
    # Refused before the sample is opened: the held-out split is never read, not even its ids.
    with pytest.raises(ValueError, match="only development splits"):
        load_train_items(tmp_path / "absent.json", tmp_path / "absent.jsonl", splits)
    assert DEVELOPMENT_SPLITS == ("dev", "test", "fresh", "dev2")
