"""Tuning: pair mining, the record split, held-out scoring, the CLI, one real (slow) run."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from index.pairs import (
    Pair,
    add_hard_negatives,
    bigram_overlap,
    mine_pool,
    pairs_sha256,
    read_holdout_ids,
    select_pairs,
    split_by_ids,
    split_records,
)
from index.reply import Reply, Section, Source
from index.segment import Segmenter
from index.tune_eval import EvalSet, evaluate, score
from index.tune_work import RUN_FILE, start_run
from tests.conftest import BUNDLED_CORPUS, REPO
from tests.fakes import FakeEmbedder

PARKING = (
    "经区交警大队现场核查，锦绣小区周边道路停车泊位不足，夜间车辆乱停现象突出。"
    "下一步将在小区东侧空地新建临时停车场，增加停车泊位一百二十个，并加强夜间巡查。"
)
PARKING_OTHER = (
    "关于幸福路停车难的问题，区城管局已协调周边单位错时开放内部停车场，"
    "共提供夜间停车泊位八十个，同时对占道停车行为依法查处。"
)
WATER = (
    "经县水利局调查，桥头村停水系供水管网老化爆管所致。县水务公司已完成一点二公里"
    "老旧管道更换，今后计划停水将提前二十四小时通知村民。"
)
NOISE = (
    "经区生态环境分局现场监测，该工地夜间施工噪声超标，已责令施工单位停止夜间作业，"
    "并对其处以罚款，后续将加强巡查。"
)


def message(doc_id: str, title: str, question: str, body: str) -> Reply:
    return Reply(
        doc_id=doc_id,
        kind="message_reply",
        title=title,
        body=body,
        source=Source(f"{doc_id}.csv"),
        question=question,
    )


def formal(doc_id: str, proposal_title: str, sections: list[tuple[str, str]]) -> Reply:
    return Reply(
        doc_id=doc_id,
        kind="proposal_reply",
        title=f"对市政协十二届二次会议第{doc_id[-1]}号提案的答复",
        body="\n".join(f"{h}\n{t}" for h, t in sections),
        source=Source(f"{doc_id}.txt"),
        proposal_title=proposal_title,
        sections=tuple(Section(h, t) for h, t in sections),
    )


def corpus() -> list[Reply]:
    return [
        message(
            "A", "锦绣小区停车难", "锦绣小区晚上停车位太少，车都停到马路上了，希望解决。", PARKING
        ),
        message(
            "B", "幸福路停车难问题", "幸福路附近停车特别难，占道停车严重，请管一管。", PARKING_OTHER
        ),
        # C answers with A's very words, D with a lightly edited copy of A's answer
        message("C", "锦绣小区停车位不够", "锦绣小区停车位不够用，业主晚上找不到车位。", PARKING),
        message(
            "D", "锦绣小区夜间乱停车", "锦绣小区夜间车辆乱停，影响通行。", PARKING + "特此回复。"
        ),
        message("E", "桥头村经常停水", "桥头村最近一个月停了四次水，每次都没有提前通知。", WATER),
        message(
            "F", "工地夜间施工噪声扰民", "小区旁边工地每天晚上施工到凌晨，噪声太大睡不着。", NOISE
        ),
    ]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def test_message_records_pair_title_and_message_with_their_own_reply_passages() -> None:
    replies = corpus()
    pool = mine_pool(replies)
    own = defaultdict(set)
    for passage in pool.passages:
        own[passage.doc_id].add(passage.text)
    assert {p.doc_id for p in pool.pairs} == {r.doc_id for r in replies}
    for pair in pool.pairs:
        assert pair.positive in own[pair.doc_id], "a positive is a passage of its own record"
        assert pair.negative == ""
    a = [p for p in pool.pairs if p.doc_id == "A"]
    assert {(p.kind, p.anchor) for p in a} == {
        ("title", "锦绣小区停车难"),
        ("message", "锦绣小区晚上停车位太少，车都停到马路上了，希望解决。"),
    }
    # the passage is the record's own words, without the title the index prepends
    assert all(not p.positive.startswith("锦绣小区停车难") for p in a)
    assert not any("希望解决" in p.text for p in pool.passages), "questions are never positives"


def test_formal_replies_pair_proposal_title_and_own_headings_not_shared_ones() -> None:
    reply_1 = formal(
        "P1",
        "关于建设公共停车场缓解停车难的提案",
        [("一、工作基本情况", PARKING_OTHER), ("二、利用边角地新建停车场", PARKING)],
    )
    reply_2 = formal("P2", "关于保障农村饮水安全的提案", [("一、工作基本情况", WATER)])
    pool = mine_pool([reply_1, reply_2])
    anchors = {(p.doc_id, p.kind, p.anchor) for p in pool.pairs}
    assert ("P1", "title", "关于建设公共停车场缓解停车难的提案") in anchors
    assert ("P1", "heading", "利用边角地新建停车场") in anchors
    assert not any(kind == "heading" and "工作基本情况" in a for _, kind, a in anchors)
    assert not any("第1号提案的答复" in a for _, _, a in anchors), "a generic title is no query"
    heading = next(p for p in pool.pairs if p.kind == "heading")
    assert "一百二十个" in heading.positive


def test_hard_negative_is_another_records_passage_and_no_copy_of_the_positive(
    segmenter: Segmenter,
) -> None:
    pool = mine_pool(corpus())
    everyone = frozenset(pool.doc_ids())
    a_pairs = [p for p in pool.pairs if p.doc_id == "A"]
    mined = add_hard_negatives(a_pairs, pool, segmenter, allowed=everyone)
    assert len(mined) == len(a_pairs)
    for pair in mined:
        # C has A's reply word for word, D a near copy: both would be false negatives
        assert pair.negative == PARKING_OTHER, pair
        assert bigram_overlap(pair.negative, pair.positive) <= 0.8
    assert bigram_overlap(PARKING, PARKING + "特此回复。") > 0.8


def test_hard_negatives_come_only_from_allowed_records(segmenter: Segmenter) -> None:
    pool = mine_pool(corpus())
    a_pairs = [p for p in pool.pairs if p.doc_id == "A"]
    mined = add_hard_negatives(a_pairs, pool, segmenter, allowed=frozenset({"A", "E", "F"}))
    assert {p.negative for p in mined} <= {WATER, NOISE}
    assert add_hard_negatives(a_pairs, pool, segmenter, allowed=frozenset({"A", "C"})) == []


def test_split_is_by_record_seeded_and_never_leaks() -> None:
    ids = [f"R{i:03d}" for i in range(200)]
    split = split_records(ids, fraction=0.1, seed=7)
    assert len(split.heldout) == 20 and len(split.train) == 180
    assert not split.train & split.heldout and split.train | split.heldout == set(ids)
    assert split_records(list(reversed(ids)), fraction=0.1, seed=7) == split
    assert split_records(ids, fraction=0.1, seed=8) != split
    pool = mine_pool(corpus())
    split = split_records(pool.doc_ids(), fraction=0.34, seed=1)
    train = [p for p in pool.pairs if p.doc_id in split.train]
    chosen = select_pairs(train, 100, seed=1)
    assert {p.doc_id for p in chosen} <= split.train
    assert not {p.positive for p in chosen} & {
        x.text for x in pool.passages if x.doc_id in split.heldout and x.text != PARKING
    }


def test_split_by_ids_and_the_ids_file(tmp_path: Path) -> None:
    path = tmp_path / "heldout.txt"
    path.write_text("# held out\nA\n\nE\nnot-a-record\n", encoding="utf-8")
    ids = read_holdout_ids(path)
    assert ids == ["A", "E", "not-a-record"]
    split = split_by_ids(list("ABCDEF"), ids)
    assert split.heldout == {"A", "E"} and split.train == {"B", "C", "D", "F"}
    with pytest.raises(ValueError, match="one doc id per line"):
        split_by_ids(list("ABC"), ["X"])
    with pytest.raises(FileNotFoundError, match="one doc id per line"):
        read_holdout_ids(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="between 0 and 1"):
        split_records(list("ABC"), fraction=1.0, seed=1)


def test_select_pairs_takes_one_pair_per_record_per_round_deterministically() -> None:
    pairs = [Pair(d, "message", f"{d}{i}", f"p{d}{i}") for d in "ABC" for i in range(4)]
    pairs += [Pair("Z", "title", "z", "pz")]
    chosen = select_pairs(pairs, 4, seed=3)
    assert len({p.doc_id for p in chosen}) == 4, "every record before any record twice"
    assert select_pairs(pairs, 4, seed=3) == chosen
    assert len(select_pairs(pairs, 100, seed=3)) == len(pairs)
    assert pairs_sha256(chosen) == pairs_sha256(list(chosen))
    assert pairs_sha256(chosen) != pairs_sha256(chosen[:3])


def test_score_ranks_a_query_by_its_records_first_passage() -> None:
    passages = np.eye(4, dtype=np.float32)
    docs = ["A", "A", "B", "C"]
    queries = np.array(
        [[0.1, 0.9, 0.0, 0.0], [0.0, 0.5, 0.9, 0.1], [0.3, 0.4, 0.2, 0.9]], dtype=np.float32
    )
    scores = score(queries, ["A", "A", "B"], passages, docs)
    # ranks 1 (A's 2nd passage), 2 (A after B), 4 (B after C and both A passages)
    assert scores.mrr_at_10 == round((1 + 1 / 2 + 1 / 4) / 3, 4)
    assert scores.recall_at_10 == 1.0 and scores.queries == 3
    with pytest.raises(ValueError, match="no passage"):
        score(queries[:1], ["Z"], passages, docs)


def test_evaluate_with_a_fake_embedder_caches_passage_vectors(tmp_path: Path) -> None:
    pool = mine_pool(corpus())
    eval_set = EvalSet.build([p for p in pool.pairs if p.doc_id in {"E", "F"}], pool.passages)
    assert set(eval_set.query_docs) == {"E", "F"} and len(eval_set.queries) == 4
    embedder = FakeEmbedder()
    first = evaluate(embedder, eval_set, cache_dir=tmp_path)
    assert first.mrr_at_10 == 1.0, "distinct topics: each finds its own record first"
    again = evaluate(embedder, eval_set, cache_dir=tmp_path)
    assert again == first and embedder.calls[-1] == len(eval_set.queries), "passages cached"


def test_a_different_run_clears_the_checkpoints_of_an_earlier_one(tmp_path: Path) -> None:
    work = tmp_path / "m.partial"
    start_run(work, {"pairs_sha256": "one"})
    (work / "checkpoints" / "checkpoint-10").mkdir(parents=True)
    (work / "partial-abc").mkdir()
    start_run(work, {"pairs_sha256": "one"})
    assert (work / "checkpoints" / "checkpoint-10").is_dir(), "same run: resume"
    start_run(work, {"pairs_sha256": "two"})
    assert not (work / "checkpoints").exists(), "another run: start afresh"
    assert (work / "partial-abc").is_dir(), "cached evaluation vectors are kept"
    assert json.loads((work / RUN_FILE).read_text(encoding="utf-8")) == {"pairs_sha256": "two"}


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from index.__main__ import main; rc = main(sys.argv[1:]); "
        "print('loaded-model' if 'sentence_transformers' in sys.modules else 'no-model'); "
        "sys.exit(rc)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_refuses_a_corpus_too_small_before_loading_any_model(tmp_path: Path) -> None:
    out = tmp_path / "tuned"
    result = _run_cli("tune", "--corpus", str(BUNDLED_CORPUS), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "too small" in result.stderr and "at least 200" in result.stderr
    assert "no-model" in result.stdout
    assert not out.exists() and not tmp_path.joinpath("tuned.partial").exists()


def test_cli_refuses_an_out_folder_that_is_not_a_tuned_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = _run_cli("tune", "--corpus", str(BUNDLED_CORPUS), "--out", str(tmp_path))
    assert result.returncode == 2 and "not a tuned model folder" in result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def _slice(source: Path, target: Path, rows: int) -> Path:
    """The first ``rows`` records of 附件4 as a CSV (read from ../shared, written to tmp)."""
    import openpyxl

    sheet = openpyxl.load_workbook(source, read_only=True).active
    assert sheet is not None
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in sheet.iter_rows(max_row=rows + 1, values_only=True):
            writer.writerow(["" if v is None else v for v in row])
    return target


@pytest.mark.slow
def test_tuning_the_default_model_writes_a_loadable_folder_with_its_card(
    tipdm4_path: Path, tmp_path: Path
) -> None:
    from index.embed import load_embedder
    from index.tune import TuneOptions, tune
    from index.tune_train import TrainSettings

    corpus = _slice(tipdm4_path, tmp_path / "slice.csv", 240)
    out = tmp_path / "tuned"
    options = TuneOptions(
        max_pairs=64, require_improvement=False, train=TrainSettings(batch_size=16)
    )
    report = tune([corpus], out, options=options, progress=False)
    assert report.saved and report.train_pairs == 64 and report.heldout_records == 24
    card = json.loads((out / "tuning.json").read_text(encoding="utf-8"))
    for side in ("before", "after"):
        assert 0 < card["evaluation"][side]["mrr_at_10"] <= 1
        assert 0 < card["evaluation"][side]["recall_at_10"] <= 1
    assert card["pairs"]["train"] == 64 and len(card["pairs"]["sha256"]) == 64
    heldout = (out / card["heldout"]["ids_file"]).read_text(encoding="utf-8").split()
    assert len(heldout) == 24
    assert (out / "README.md").is_file() and not tmp_path.joinpath("tuned.partial").exists()
    assert not list(out.rglob("*.bin")) and not list(out.rglob("*.pt")), "no pickle on disk"
    tuned = load_embedder(str(out))
    vectors = tuned.encode_queries(["小区停车难"])
    assert vectors.shape == (1, 384) and tuned.fingerprint != load_embedder().fingerprint
