"""An index of an older format: rebuilt by itself only when nothing can be lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import build, store
from index.build import build_index, ensure_index
from index.upgrade import outdated_index
from search import Searcher
from tests.conftest import BUNDLED_CORPUS
from tests.fakes import FakeEmbedder


def _age(index_dir: Path) -> None:
    """Make the live generation look as an older build wrote it."""
    live = store.live_generation(index_dir)
    manifest = json.loads(live.file(store.MANIFEST).read_text(encoding="utf-8"))
    manifest["format_version"] = store.FORMAT_VERSION - 1
    manifest.pop("manifest_sha256")
    live.file(store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture
def old_index(tmp_path: Path) -> Path:
    index_dir = tmp_path / "idx"
    build_index([BUNDLED_CORPUS], index_dir, embedder=FakeEmbedder())
    _age(index_dir)
    return index_dir


def test_an_old_index_of_the_same_corpus_is_rebuilt_with_its_vectors(
    old_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str | None] = []
    monkeypatch.setattr(build, "load_embedder", lambda spec: asked.append(spec) or FakeEmbedder())
    report = ensure_index(old_index, [BUNDLED_CORPUS], progress=False)
    assert report is not None and report.embedded == 0 and report.reused > 0
    assert asked == ["default"]  # the model that built it, as its manifest names it
    assert Searcher.load(old_index, embedder=FakeEmbedder()).search("停车", k=1)


def test_a_corpus_with_more_files_still_counts_as_the_same(old_index: Path, tmp_path: Path) -> None:
    grown = tmp_path / "grown"
    shutil.copytree(BUNDLED_CORPUS, grown)
    (grown / "新增答复.txt").write_text("关于加装电梯的答复。我局已于2024年完成改造。", "utf-8")
    assert outdated_index(old_index, [grown]) is not None


def test_an_old_index_of_other_files_is_left_for_the_user(
    old_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "答复.txt").write_text("关于路灯维修的答复。已于3月修复。", encoding="utf-8")
    assert outdated_index(old_index, [other]) is None
    assert "source files are not in the corpus" in caplog.text
    assert ensure_index(old_index, [other], progress=False) is None
    with pytest.raises(store.IndexMismatch, match="format version"):
        Searcher.load(old_index, embedder=FakeEmbedder())  # untouched, and it says so


def test_a_current_or_damaged_index_is_not_rebuilt(old_index: Path, tmp_path: Path) -> None:
    current = tmp_path / "current"
    build_index([BUNDLED_CORPUS], current, embedder=FakeEmbedder())
    assert outdated_index(current, [BUNDLED_CORPUS]) is None
    live = store.live_generation(old_index)
    live.file(store.MANIFEST).write_text("{not json", encoding="utf-8")
    assert outdated_index(old_index, [BUNDLED_CORPUS]) is None
    assert outdated_index(tmp_path / "nowhere", [BUNDLED_CORPUS]) is None
