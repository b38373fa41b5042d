"""The learned title chooser: candidates, choice and weights, on real reply sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.title_rank_train import main as train_main
from index.measure_title_rank import candidates, choose_title, scored
from index.measure_title_rank_features import char_f1
from index.measure_title_rank_model import TITLE_RANK_PATH, default_title_rank, read_title_rank

OIL = "执法人员已责令其于7日内安装油烟净化设施"
CHECK = "联合市场监管部门开展“护苗”专项检查"
LIGHTS = "我支队荷塘大队已对向阳路新塘路口红绿灯进行了优化配置"


def test_candidates_are_runs_holding_a_verb_without_subject_or_stage() -> None:
    texts = [c.text for c in candidates(OIL)]
    assert "安装油烟净化设施" in texts
    assert "责令其于7日内安装油烟净化设施" in texts
    assert all(4 <= len(t) <= 20 for t in texts)
    assert not any(t.startswith(("执法", "已")) for t in texts)  # subject and stage stripped
    assert not any(t.startswith(("日内", "内安装")) for t in texts)  # not inside 7日内


def test_candidates_never_start_inside_a_noun_phrase_and_drop_le() -> None:
    texts = [c.text for c in candidates(LIGHTS)]
    assert "对向阳路新塘路口红绿灯进行优化配置" in texts  # 了 is the stage, not the act
    assert not any(t.startswith(("路口", "红绿灯", "新塘")) for t in texts)
    assert {t[:2] for t in texts} == {"对向", "进行", "优化"}  # verb first, or 对 before it


def test_rule_title_is_one_more_candidate_when_not_a_run() -> None:
    found = candidates(LIGHTS, rule_title="对向阳路新塘路口红绿灯优化配置")
    rules = [c for c in found if c.is_rule]
    assert [c.text for c in rules] == ["对向阳路新塘路口红绿灯优化配置"]
    again = candidates(OIL, rule_title="安装油烟净化设施")  # a run already: marked, not added
    assert [c.text for c in again if c.is_rule] == ["安装油烟净化设施"]
    assert len(again) == len(candidates(OIL))


def test_chooser_prefers_a_whole_verb_object_phrase_to_a_cut_one() -> None:
    by_text = {c.text: s for s, c in scored(OIL, rule_title="责令其于7日内安装油烟净化设施")}
    assert by_text["安装油烟净化设施"] > by_text["安装油烟净化"]
    assert by_text["安装油烟净化设施"] > by_text["责令其于"]
    title = choose_title(CHECK, rule_title="联合市场监管部门开展“护苗”专项检查")
    assert title == "开展“护苗”专项检查"  # not 开展“护苗”专项, not the co-acting unit


def test_char_f1() -> None:
    assert char_f1("责令整改", "责令整改") == 1.0
    assert char_f1("责令整改", "") == 0.0
    assert char_f1("开展检查", "开展专项检查") == pytest.approx(2 * 1.0 * (4 / 6) / (1 + 4 / 6))


def test_shipped_weights_load() -> None:
    model = default_title_rank()
    assert len(model.weights) > 50
    assert model.meta["splits"] == ["dev", "test", "fresh"]  # never the held-out fresh2
    assert "out_of_fold" in model.meta


def test_malformed_weights_say_how_to_rewrite_them(tmp_path: Path) -> None:
    path = tmp_path / "title_rank.json"
    with pytest.raises(FileNotFoundError, match=r"bench\.title_rank_train"):
        read_title_rank(path)
    path.write_text("{not json", "utf-8")
    with pytest.raises(ValueError, match=r"not valid JSON.*bench\.title_rank_train"):
        read_title_rank(path)
    good = json.loads(TITLE_RANK_PATH.read_text("utf-8"))
    path.write_text(json.dumps({**good, "weights": {"len": "heavy"}}), "utf-8")
    with pytest.raises(ValueError, match=r"malformed weights.*bench\.title_rank_train"):
        read_title_rank(path)
    path.write_text(json.dumps({**good, "version": 99}), "utf-8")
    with pytest.raises(ValueError, match="version 99"):
        read_title_rank(path)


def test_training_refuses_the_held_out_split(capsys: pytest.CaptureFixture[str]) -> None:
    assert train_main(["--splits", "dev,fresh2", "--cv-only"]) == 1
    assert "fresh2 is the held-out split" in capsys.readouterr().err
