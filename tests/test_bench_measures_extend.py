"""Extensions of the measure sample: drawing, numbering, named splits once each, and their use."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

import bench.measures as measures_cli
import bench.measures_sample as sample_cli
from bench.measures_draw import eligible_messages
from bench.measures_extend import (
    FRESH_SPLIT,
    AlreadyExtended,
    check_split_name,
    extend,
    next_number,
    untaken,
)
from bench.measures_sample import SAMPLE_PATH, load_sample, save_sample
from bench.measures_text import SampleItem, labelling_text, text_sha
from bench.measures_train import load_train_items
from index.reply import Reply, Source

# Real reply sentences of the kind 附件4 holds (≥ 30 characters each).
BODIES = (
    "您好！执法人员已责令该店于7日内安装油烟净化设施，下一步我局将加强巡查。",
    "经调查，该路段路灯损坏系线路老化所致，我局已安排维修人员更换线路，路灯已恢复照明。",
    "您反映的小区停车难问题，区住建局已将该小区列入2019年老旧小区改造计划，将增设停车位。",
    "针对噪音扰民问题，市生态环境局已对该工地下达限期整改通知书，并处罚款2万元。",
    "关于公交线路调整问题，市交通运输局将于2019年6月底前优化该线路，增加早晚高峰班次。",
    "学校已对该教师进行批评教育，责令其退还违规收取的补课费用，并在全校范围内通报。",
    "经核实，该小区物业公司未按合同约定履行维修义务，区住建局已约谈物业负责人并责令整改。",
    "市场监管局已对该超市立案调查，没收过期食品12公斤，并处罚款5000元。",
    "您反映的社保补缴问题，区人社局已为您办理补缴手续，补缴款项将于下月到账。",
    "县卫健委已责成该卫生院规范收费，退还多收的检查费用，并对相关责任人进行约谈。",
)


def _reply(k: int, body: str, year: str = "2019") -> Reply:
    return Reply(
        doc_id=str(1000 + k), kind="message_reply", title=f"关于公交线路的留言{k}",
        body=body, source=Source("附件4.xlsx", k + 2), date=f"{year}-05-0{k % 9 + 1}",
    )  # fmt: skip


def _item(k: int, reply: Reply, *, source: str = "tipdm4") -> SampleItem:
    text = labelling_text(reply)
    return SampleItem(
        item=f"m{k:03d}", source=source, doc_id=reply.doc_id, path="tipdm2020/附件4.xlsx",
        kind="message_reply", split="dev", year="2019", topic="", double=False,
        chars=len(text), text_sha=text_sha(text),
    )  # fmt: skip


@pytest.fixture
def pool() -> list[Reply]:
    years = ("2018", "2019", "2019", "2018", "2019", "2019")
    pairs = zip(BODIES[:6], years, strict=True)
    return [_reply(k, body, year) for k, (body, year) in enumerate(pairs)]


def test_extension_leaves_out_the_sample_and_numbers_on(pool: list[Reply]) -> None:
    # m001 is a 附件4 reply already drawn; m002 is a corpus row with the same text as pool[1].
    items = [_item(1, pool[0]), _item(2, _reply(99, BODIES[1]), source="corpus")]
    assert [r.doc_id for r in untaken(pool, items)] == ["1002", "1003", "1004", "1005"]
    new = extend(items, pool, 4, seed=7, path="tipdm2020/附件4.xlsx")
    assert sorted(it.item for it in new) == ["m003", "m004", "m005", "m006"]
    assert {it.doc_id for it in new} == {"1002", "1003", "1004", "1005"}
    assert {it.split for it in new} == {FRESH_SPLIT} and not any(it.double for it in new)
    assert all(it.text_sha == text_sha(labelling_text(pool[int(it.doc_id) - 1000])) for it in new)
    assert new == extend(items, pool, 4, seed=7, path="tipdm2020/附件4.xlsx")  # seeded


def test_extension_refuses_a_second_time_and_an_empty_pool(pool: list[Reply]) -> None:
    new = extend([], pool, 5, seed=7, path="x.xlsx")
    assert len(new) == 5 and next_number(new) == 6
    with pytest.raises(AlreadyExtended, match="already has 5 fresh items"):
        extend(new, pool, 1, seed=7, path="x.xlsx")
    with pytest.raises(ValueError, match="cannot draw 7"):
        extend([], pool, 7, seed=7, path="x.xlsx")
    # 2018 and 2019 at ≥ 3 a year (2018 holds 2) need 5: 2 would not be what was asked
    with pytest.raises(ValueError, match="cannot draw only 2"):
        extend([], pool, 2, seed=7, path="x.xlsx")


def _fake_shared(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    for rel in (sample_cli.TIPDM4_REL, sample_cli.SEED_REL):
        (shared / rel).parent.mkdir(parents=True, exist_ok=True)
        (shared / rel).write_bytes(b"")
    return shared


def test_extend_command_appends_once_and_writes_packets(
    tmp_path: Path,
    pool: list[Reply],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sample_cli, "read_replies", lambda path, root: {r.doc_id: r for r in pool})
    sample, packets = tmp_path / "sample.json", tmp_path / "packets"
    first = [_item(1, pool[0])]
    save_sample(first, sample)
    argv = ["--extend", "4", "--shared", str(_fake_shared(tmp_path)), "--sample", str(sample),
            "--packets", str(packets)]  # fmt: skip
    assert sample_cli.main(argv) == 0
    assert "m002 m003 m004 m005\n" in capsys.readouterr().out
    items = load_sample(sample)
    assert items[0] == first[0] and [it.item for it in items[1:]] == [
        "m002",
        "m003",
        "m004",
        "m005",
    ]
    assert (packets / "m003.text").read_text(encoding="utf-8") in BODIES
    assert "fresh" in (packets / "INDEX.txt").read_text(encoding="utf-8")
    before = sample.read_bytes()
    assert sample_cli.main(argv) == 2  # a second run appends nothing
    assert sample.read_bytes() == before
    assert "not extended" in capsys.readouterr().err


@pytest.mark.parametrize(("split", "first"), [(FRESH_SPLIT, 155), ("fresh2", 200)])
def test_committed_extensions_follow_the_sample_before_them(split: str, first: int) -> None:
    items = load_sample(SAMPLE_PATH)
    new = [it for it in items if it.split == split]
    assert [it.item for it in new] == [f"m{k:03d}" for k in range(first, first + 45)]
    assert {(it.source, it.kind, it.double) for it in new} == {("tipdm4", "message_reply", False)}
    assert all(it.chars >= 30 for it in new)
    assert len({it.year for it in new}) >= 8  # spread over the years, not one
    before = [it for it in items if int(it.item[1:]) < first]
    assert not {it.doc_id for it in new} & {it.doc_id for it in before if it.source == "tipdm4"}
    assert not {it.text_sha for it in new} & {it.text_sha for it in before}


def test_committed_sample_holds_no_reply_twice() -> None:
    items = load_sample(SAMPLE_PATH)
    tipdm4 = [it.doc_id for it in items if it.source == "tipdm4"]
    assert len(set(tipdm4)) == len(tipdm4) == 140 + 45 + 45 + 90  # dev, test; fresh; fresh2; dev2
    assert len({it.text_sha for it in items}) == len(items)


def test_a_named_split_draws_apart_from_every_earlier_split() -> None:
    pool = [_reply(k, body) for k, body in enumerate(BODIES)]  # ten replies of 2019
    items = [_item(1, pool[0]), _item(2, _reply(99, BODIES[1]), source="corpus")]
    fresh = extend(items, pool, 3, seed=7, path="x.xlsx")
    fresh2 = extend([*items, *fresh], pool, 3, seed=8, path="x.xlsx", split="fresh2")
    assert [it.item for it in fresh2] == ["m006", "m007", "m008"]
    assert {it.split for it in fresh2} == {"fresh2"} and not any(it.double for it in fresh2)
    taken = {it.doc_id for it in [*items, *fresh]} | {"1001"}  # 1001: the corpus row's text
    assert not {it.doc_id for it in fresh2} & taken
    # what is left after both is exactly the two replies none took
    rest = untaken(pool, [*items, *fresh, *fresh2])
    assert len(rest) == 2 and not {r.doc_id for r in rest} & ({it.doc_id for it in fresh2} | taken)
    with pytest.raises(AlreadyExtended, match="already has 3 fresh2 items \\(m006…m008\\)"):
        extend([*items, *fresh, *fresh2], pool, 3, seed=9, path="x.xlsx", split="fresh2")


@pytest.mark.parametrize("split", ["dev", "test", "all", "Fresh 3", ""])
def test_the_first_samples_splits_cannot_be_extended(split: str) -> None:
    with pytest.raises(ValueError, match=r"is not an extension|lower-case letters"):
        check_split_name(split)
    pool = [_reply(k, body) for k, body in enumerate(BODIES)]
    with pytest.raises(ValueError, match=f"--split '?{split}"):
        extend([], pool, 3, seed=7, path="x.xlsx", split=split)
    check_split_name("fresh2")  # a new name is fine


def test_extend_command_names_the_split_once_and_refuses_dev(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = [_reply(k, body) for k, body in enumerate(BODIES)]  # ten replies of 2019
    monkeypatch.setattr(sample_cli, "read_replies", lambda path, root: {r.doc_id: r for r in pool})
    sample, packets = tmp_path / "sample.json", tmp_path / "packets"
    save_sample([_item(1, pool[0])], sample)
    common = ["--shared", str(_fake_shared(tmp_path)), "--sample", str(sample),
              "--packets", str(packets)]  # fmt: skip
    assert sample_cli.main(["--extend", "3", *common]) == 0  # --split defaults to fresh
    assert sample_cli.main(["--extend", "3", "--split", "fresh2", "--seed", "2027", *common]) == 0
    out = capsys.readouterr().out
    assert "(split fresh2, seed 2027)" in out and "m005 m006 m007\n" in out
    items = load_sample(sample)
    assert [(it.item, it.split) for it in items[1:]] == [
        *((f"m{k:03d}", "fresh") for k in (2, 3, 4)),
        *((f"m{k:03d}", "fresh2") for k in (5, 6, 7)),
    ]
    assert len({it.doc_id for it in items}) == 7
    assert "m007\tmessage_reply\tfresh2" in (packets / "INDEX.txt").read_text(encoding="utf-8")
    assert (packets / "m006.text").read_text(encoding="utf-8") in BODIES
    before = sample.read_bytes()
    assert sample_cli.main(["--extend", "3", "--split", "fresh2", *common]) == 2
    assert "already has 3 fresh2 items (m005…m007)" in capsys.readouterr().err
    assert sample_cli.main(["--extend", "3", "--split", "dev", *common]) == 1
    assert "--split dev is not an extension" in capsys.readouterr().err
    assert sample.read_bytes() == before
    with pytest.raises(SystemExit):  # --split alone would silently do nothing
        sample_cli.main(["--split", "fresh2", *common])


def test_training_never_reads_the_fresh2_split(tmp_path: Path) -> None:
    sample, labels = tmp_path / "sample.json", tmp_path / "labels.jsonl"
    save_sample(
        [SampleItem(**{**asdict(_item(1, _reply(1, BODIES[0]))), "split": "fresh2"})], sample
    )
    line = {"item": "m001", "labeller": "A", "measures": [], "other": []}
    labels.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert load_train_items(sample, labels) == []


def test_scoring_takes_the_samples_own_splits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "sample.json"
    save_sample(
        [SampleItem(**{**asdict(_item(1, _reply(1, BODIES[0]))), "split": "fresh2"})], sample
    )
    argv = ["--sample", str(sample), "--labels", str(tmp_path / "none.jsonl")]
    assert measures_cli.main([*argv, "--split", "fresh2"]) == 2  # taken; no labels yet
    assert "no labels yet" in capsys.readouterr().err
    assert measures_cli.main([*argv, "--split", "fresh3"]) == 1
    assert "no such split; choose one of all, fresh2" in capsys.readouterr().err


def test_training_reads_the_fresh_split_only_when_asked(tmp_path: Path) -> None:
    # Since round 5 of the measures the fresh split is development data (a training split
    # by default); --train-splits dev still leaves it unread.
    sample, labels = tmp_path / "sample.json", tmp_path / "labels.jsonl"
    save_sample(
        [SampleItem(**{**asdict(_item(1, _reply(1, BODIES[0]))), "split": "fresh"})], sample
    )
    line = {"item": "m001", "labeller": "A", "measures": [], "other": []}
    labels.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert load_train_items(sample, labels, ("dev",)) == []


def test_scoring_accepts_the_fresh_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--split", "fresh", "--labels", str(tmp_path / "none.jsonl")]
    assert measures_cli.main(argv) == 2  # argparse takes it; there are no labels yet
    assert "no labels yet" in capsys.readouterr().err


def test_eligible_pool_drops_short_and_repeated_replies(pool: list[Reply]) -> None:
    replies = {r.doc_id: r for r in [*pool, _reply(50, BODIES[0]), _reply(51, "已收悉，谢谢。")]}
    assert [r.doc_id for r in eligible_messages(replies)] == [r.doc_id for r in pool]
