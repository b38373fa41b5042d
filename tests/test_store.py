from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import store
from search import Searcher
from tests.fakes import FakeEmbedder


@pytest.fixture
def index_copy(fake_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(fake_index, target)
    return target


def test_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(store.IndexNotFound, match="python -m index build"):
        Searcher.load(tmp_path / "nowhere", embedder=FakeEmbedder())


def test_another_model_is_refused_with_a_rebuild_hint(index_copy: Path) -> None:
    with pytest.raises(store.IndexMismatch, match="--fresh --model"):
        Searcher.load(index_copy, embedder=FakeEmbedder(dimension=32))


def test_renamed_vectors_file_is_a_clear_error(index_copy: Path) -> None:
    live = store.live_generation(index_copy)
    live.file(store.VECTORS).rename(live.file("vectors.bak"))
    with pytest.raises(store.IndexCorrupt, match=r"vectors\.npy"):
        Searcher.load(index_copy, embedder=FakeEmbedder())


def test_truncated_file_fails_its_checksum(index_copy: Path) -> None:
    live = store.live_generation(index_copy)
    data = live.file(store.PASSAGES).read_bytes()
    live.file(store.PASSAGES).write_bytes(data[: len(data) // 2])
    with pytest.raises(store.IndexCorrupt, match="checksum"):
        Searcher.load(index_copy, embedder=FakeEmbedder())


def test_other_format_version_is_refused(index_copy: Path) -> None:
    live = store.live_generation(index_copy)
    manifest = json.loads(live.file(store.MANIFEST).read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    live.file(store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(store.IndexMismatch, match="format version 99"):
        Searcher.load(index_copy, embedder=FakeEmbedder())


def test_garbage_manifest_is_corrupt(index_copy: Path) -> None:
    live = store.live_generation(index_copy)
    live.file(store.MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(store.IndexCorrupt, match=r"manifest\.json"):
        Searcher.load(index_copy, embedder=FakeEmbedder())


def test_the_model_mismatch_message_suggests_a_command_that_works(
    index_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import re
    import shlex

    from search import __main__ as search_cli
    from search import searcher

    with pytest.raises(store.IndexMismatch) as info:
        Searcher.load(index_copy, embedder=FakeEmbedder(dimension=32))
    found = re.search(r"python -m search (.+?) QUERY", str(info.value))
    assert found, info.value
    argv = shlex.split(found[1])
    model = argv[argv.index("--model") + 1]
    assert model == "default"  # what load_embedder takes, not the model's display name
    specs: list[str | None] = []

    def fake_load(spec: str | None = None, **_: object) -> FakeEmbedder:
        specs.append(spec)
        return FakeEmbedder() if spec == "default" else FakeEmbedder(dimension=32)

    monkeypatch.setattr(searcher, "load_embedder", fake_load)
    assert search_cli.main([*argv, "停车"]) == 0, capsys.readouterr().err
    assert specs == ["default"] and "停车" in capsys.readouterr().out


def test_the_model_mismatch_message_names_a_milvus_store_with_store(fake_index: Path) -> None:
    manifest = store.read_manifest(store.live_generation(fake_index))
    other = FakeEmbedder(dimension=32)
    loaded = store.ModelInfo(other.name, other.fingerprint, other.dimension, other.precision)
    with pytest.raises(store.IndexMismatch) as info:
        store.check_model(manifest, loaded, Path("milvus:data/x.db"))
    assert "python -m search --store milvus:data/x.db --model" in str(info.value)
    assert "--index" not in str(info.value)


def test_a_rebuild_after_a_format_change_reuses_the_vectors(tmp_path: Path) -> None:
    from index.build import build_index
    from tests.conftest import BUNDLED_CORPUS

    first = build_index([BUNDLED_CORPUS], tmp_path / "idx", embedder=FakeEmbedder())
    live = store.live_generation(tmp_path / "idx")
    manifest = json.loads(live.file(store.MANIFEST).read_text(encoding="utf-8"))
    manifest["format_version"] = store.FORMAT_VERSION - 1
    manifest.pop("manifest_sha256")  # as an older build wrote it
    live.file(store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(store.IndexMismatch, match="format version") as refused:
        Searcher.load(tmp_path / "idx", embedder=FakeEmbedder())
    assert "--fresh" not in str(refused.value)  # --fresh would embed everything again
    again = build_index([BUNDLED_CORPUS], tmp_path / "idx", embedder=FakeEmbedder())
    assert again.embedded == 0 and again.reused == first.reused + first.embedded
    assert Searcher.load(tmp_path / "idx", embedder=FakeEmbedder()).search("停车", k=1)
