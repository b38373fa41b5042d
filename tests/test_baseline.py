"""The outside evaluator's baseline (bench/baseline.py), on a fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.baseline import MODES, Baseline, chunk_text, rrf
from tests.fakes import FakeEmbedder

RECORDS = [
    ("101", "小区物业乱收停车费\n物业每月乱收停车费，请查处。\n经查，物业已退还多收的停车费。"),
    ("102", "学校食堂卫生差\n孩子学校食堂饭菜不卫生。\n教育局已责令学校整改食堂卫生。"),
    ("103", "道路施工噪音扰民\n夜间道路施工噪音很大，影响休息。\n已要求施工单位夜间停止作业。"),
    ("104", "公交线路调整\n希望增开到高铁站的公交线路。\n公交公司将研究调整线路。"),
    ("105", "社保卡补办\n社保卡丢失怎么补办？\n可持身份证到社保中心补办社保卡。"),
    ("106", "农村饮水安全\n村里自来水浑浊，饮水不安全。\n水务局已对供水设施进行检修。"),
]
CASES = [("物业停车费", "101"), ("食堂卫生", "102"), ("社保卡丢失补办", "105")]


@pytest.fixture
def baseline(tmp_path: Path) -> Baseline:
    return Baseline.build(RECORDS, FakeEmbedder(), cache_dir=tmp_path / "cache")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("query", "expected"), CASES)
def test_each_mode_ranks_the_matching_record_first(
    baseline: Baseline, mode: str, query: str, expected: str
) -> None:
    hits = baseline.search(query, k=3, mode=mode)
    assert hits[0] == expected
    assert len(hits) == len(set(hits)) <= 3


def test_second_build_loads_vectors_from_the_cache(tmp_path: Path) -> None:
    first, second = FakeEmbedder(), FakeEmbedder()
    built = Baseline.build(RECORDS, first, cache_dir=tmp_path)
    loaded = Baseline.build(RECORDS, second, cache_dir=tmp_path)
    assert first.calls == [len(RECORDS)] and second.calls == []
    assert loaded.search("物业停车费", mode="dense") == built.search("物业停车费", mode="dense")
    meta = json.loads((tmp_path / "chunks.json").read_text(encoding="utf-8"))
    assert meta["chunk_record"] == [doc_id for doc_id, _ in RECORDS]
    assert np.load(tmp_path / "vectors.npy", allow_pickle=False).shape == (len(RECORDS), 64)


def test_changed_text_is_embedded_again(tmp_path: Path) -> None:
    Baseline.build(RECORDS, FakeEmbedder(), cache_dir=tmp_path)
    changed = [*RECORDS[:-1], ("106", "农村饮水安全\n井水有异味。")]
    again = FakeEmbedder()
    Baseline.build(changed, again, cache_dir=tmp_path)
    assert again.calls == [len(changed)]


def test_long_records_are_cut_into_400_character_windows() -> None:
    assert [len(c) for c in chunk_text("字" * 900)] == [400, 400, 100]


def test_rrf_sums_reciprocal_ranks() -> None:
    assert rrf([[1, 2], [2, 3]]) == [2, 1, 3]  # 2: 1/62 + 1/61; 1: 1/61; 3: 1/62


def test_bad_input_says_what_to_do(baseline: Baseline) -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        baseline.search("物业", mode="fuzzy")
    with pytest.raises(ValueError, match="query is empty"):
        baseline.search("  ")
    with pytest.raises(ValueError, match="unique"):
        Baseline.build([RECORDS[0], RECORDS[0]], FakeEmbedder(), cache_dir=None)
