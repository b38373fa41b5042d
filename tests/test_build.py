from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.build import BuildOptions, build_index
from search import Searcher
from tests.conftest import BUNDLED_CORPUS, REPO
from tests.fakes import FakeEmbedder


def _copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus, ignore=shutil.ignore_patterns("tools", "README.md"))
    return corpus


def _payload(index_dir: Path) -> tuple[list[str], np.ndarray, list[str]]:
    loaded = store.open_index(index_dir)
    return [c.text for c in loaded.chunks], loaded.vectors, sorted(r.doc_id for r in loaded.replies)


def test_build_writes_a_loadable_index_with_a_manifest(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    report = build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    assert report.replies >= 10 and report.passages > report.replies
    assert report.embedded == report.passages and report.reused == 0
    manifest = store.read_manifest(store.live_generation(tmp_path / "idx"))
    assert manifest.model.dimension == 64 and manifest.dense_index == "flat_ip"
    assert manifest.counts["replies"] == report.replies
    assert {"faiss-cpu", "bm25s", "jieba", "python"} <= set(manifest.versions)
    files = set(manifest.checksums)
    assert {"replies.jsonl", "passages.jsonl", "vectors.npy", "dense.faiss"} <= files
    assert any(f.startswith("bm25/") for f in files), "bm25s's own files are verified too"
    assert files == set(store.live_generation(tmp_path / "idx").data_files())


def test_rebuild_embeds_only_what_changed_and_equals_a_fresh_build(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    embedder = FakeEmbedder()
    first = build_index([corpus], tmp_path / "idx", embedder=embedder)
    again = build_index([corpus], tmp_path / "idx", embedder=embedder)
    assert again.embedded == 0 and again.reused == first.passages
    new = corpus / "new.txt"
    new.write_text(
        "关于加强城市夜间照明的答复\n张三委员：\n一、路灯已全部更换为节能灯具。", encoding="utf-8"
    )
    (corpus / "s05_proposal_reply_parking.txt").unlink()
    changed = build_index([corpus], tmp_path / "idx", embedder=embedder)
    assert 0 < changed.embedded <= 3
    fresh = build_index([corpus], tmp_path / "fresh", embedder=FakeEmbedder())
    texts, vectors, ids = _payload(tmp_path / "idx")
    f_texts, f_vectors, f_ids = _payload(tmp_path / "fresh")
    assert texts == f_texts and ids == f_ids and "s05_proposal_reply_parking.txt" not in ids
    np.testing.assert_array_equal(vectors, f_vectors)
    assert changed.passages == fresh.passages


def test_generations_are_swapped_and_old_ones_removed(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    generations = [p for p in (tmp_path / "idx").iterdir() if p.name.startswith("gen-")]
    assert len(generations) == 1


def test_a_failed_build_leaves_the_live_index_untouched(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    before = _payload(tmp_path / "idx")

    class Broken(FakeEmbedder):
        def encode_documents(self, texts, *, batch_size=16, show_progress=False):  # type: ignore[no-untyped-def]
            raise RuntimeError("model crashed")

    (corpus / "new.txt").write_text("关于新问题的答复\n一、已安排专项资金。", encoding="utf-8")
    with pytest.raises(RuntimeError):
        build_index([corpus], tmp_path / "idx", embedder=Broken())
    after = _payload(tmp_path / "idx")
    assert before[0] == after[0] and before[2] == after[2]
    assert [
        p.name for p in (tmp_path / "idx").iterdir() if p.name.startswith("gen-")
    ].__len__() == 1


KILL_SCRIPT = """
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from index.build import build_index, BuildOptions
from index import partial
from tests.fakes import FakeEmbedder
partial.SLICE = 4
class Slow(FakeEmbedder):
    def encode_documents(self, texts, **kw):
        time.sleep(0.3)
        print("slice", flush=True)
        return super().encode_documents(texts)
build_index([Path({corpus!r})], Path({index!r}), embedder=Slow(), options=BuildOptions(fresh=True))
"""


def test_a_build_killed_midway_keeps_the_old_index_and_resumes(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, embedder=FakeEmbedder())
    before = _payload(index_dir)
    script = KILL_SCRIPT.format(repo=str(REPO), corpus=str(corpus), index=str(index_dir))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(3):  # let three slices be saved, then kill without warning
        assert proc.stdout.readline().strip() == "slice"
    time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    loaded = Searcher.load(index_dir, embedder=FakeEmbedder())
    assert loaded.search("停车", k=3)
    after = _payload(index_dir)
    assert after[0] == before[0] and after[2] == before[2]
    assert list(index_dir.glob("partial-*/*.npy"))
    resumed = build_index(
        [corpus], index_dir, embedder=FakeEmbedder(), options=BuildOptions(fresh=True)
    )
    assert resumed.reused >= 8  # two or more saved slices of four were not embedded again
    assert not list(index_dir.glob("partial-*"))


def test_manifest_records_the_build_settings(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    build_index(
        [corpus],
        tmp_path / "idx",
        embedder=FakeEmbedder(),
        options=BuildOptions(max_chars=300, model_spec="some/model"),
    )
    data = json.loads((store.live_generation(tmp_path / "idx").file(store.MANIFEST)).read_text())
    assert data["settings"]["max_chars"] == 300
    assert data["settings"]["model_spec"] == "some/model"


def test_an_empty_corpus_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No readable replies"):
        build_index([tmp_path / "empty"], tmp_path / "idx", embedder=FakeEmbedder())
    assert not (tmp_path / "idx" / store.CURRENT).exists()


def test_the_searcher_rebuilds_the_same_segmenter(fake_index: Path) -> None:
    from index.segment import Segmenter

    loaded = store.open_index(fake_index)
    assert loaded.terms, "the build harvests terms from the corpus"
    assert Segmenter(extra_terms=loaded.terms).dictionary_hash == loaded.manifest.dictionary_hash


def test_a_fresh_build_counts_repeated_texts_as_repeats_not_reuse(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    reply = "经核实，幸福路路灯线路老化，区城管局已于1月5日更换线路并恢复照明。"
    (corpus / "board.csv").write_text(
        "留言编号,留言主题,答复意见\n"
        f"1,幸福路路灯不亮,{reply}\n2,幸福路路灯不亮,{reply}\n3,和平路积水,排水管已疏通。\n",
        encoding="utf-8",
    )
    report = build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    assert report.reused == 0
    assert report.embedded + report.reused < report.passages
    assert "repeated: 1" in report.describe()


class _CountingSegmenter:
    """Wraps the real segmenter and counts the texts it was asked to cut."""

    def __init__(self) -> None:
        self.cut: list[str] = []

    def __call__(self, terms: list[str]) -> object:
        from index.segment import Segmenter

        real = Segmenter(extra_terms=terms)
        outer = self

        class Counting(Segmenter):
            def tokenize(self, text: str) -> list[str]:
                outer.cut.append(text)
                return real.tokenize(text)

        return Counting(extra_terms=terms)


def _sums(index_dir: Path) -> dict[str, str]:
    return store.read_manifest(store.live_generation(index_dir)).checksums


def test_a_small_update_reuses_parses_and_tokens_and_equals_a_fresh_build(
    tmp_path: Path,
) -> None:
    corpus = _copy_corpus(tmp_path)
    counting = _CountingSegmenter()
    build = dict(embedder=FakeEmbedder(), segmenter_factory=counting)
    first = build_index([corpus], tmp_path / "idx", **build)  # type: ignore[arg-type]
    assert first.parsed == first.replies and counting.cut
    counting.cut.clear()
    again = build_index([corpus], tmp_path / "idx", **build)  # type: ignore[arg-type]
    assert again.parsed == 0 and counting.cut == [] and again.embedded == 0
    assert again.up_to_date and "up to date" in again.describe()
    (corpus / "new.txt").write_text(
        "关于加强城市夜间照明的答复\n张三委员：\n一、路灯已全部更换为节能灯具。", encoding="utf-8"
    )
    terms_before = store.open_index(tmp_path / "idx").terms
    changed = build_index([corpus], tmp_path / "idx", **build)  # type: ignore[arg-type]
    assert changed.parsed == 1 and changed.replies == first.replies + 1
    assert not changed.up_to_date
    assert set(changed.stages) >= {"read", "parse", "chunk", "embed", "segment", "write"}
    assert "stages (s): read" in changed.describe() and "parsed 1 of" in changed.describe()
    assert store.open_index(tmp_path / "idx").terms == terms_before  # so tokens stay valid
    new_passages = changed.passages - first.passages
    assert 0 < len(counting.cut) <= new_passages + 1  # the new passages and the new record
    fresh = build_index([corpus], tmp_path / "fresh", embedder=FakeEmbedder())
    assert _sums(tmp_path / "idx") == _sums(tmp_path / "fresh")  # byte for byte
    assert fresh.parsed == fresh.replies


def test_changed_code_or_chunking_is_never_reused(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    options = BuildOptions(max_chars=200)
    shorter = build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder(), options=options)
    fresh = build_index([corpus], tmp_path / "fresh", embedder=FakeEmbedder(), options=options)
    assert shorter.passages == fresh.passages
    assert _sums(tmp_path / "idx") == _sums(tmp_path / "fresh")


def test_a_renamed_duplicate_id_is_reused_under_the_right_name(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.csv").write_text("编号,答复内容\n1,已修复路灯。\n", encoding="utf-8")
    (corpus / "b.csv").write_text("编号,答复内容\n1,已疏通排水管。\n", encoding="utf-8")
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    (corpus / "a.csv").unlink()  # b's row 1 is no longer a duplicate: it gets its own id back
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    build_index([corpus], tmp_path / "fresh", embedder=FakeEmbedder())
    assert [r.doc_id for r in store.open_index(tmp_path / "idx").replies] == ["1"]
    assert _sums(tmp_path / "idx") == _sums(tmp_path / "fresh")


def test_an_up_to_date_index_is_kept_untouched_unless_damaged(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, embedder=FakeEmbedder())
    files = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in index_dir.rglob("*") if p.is_file()}
    kept = build_index([corpus], index_dir, embedder=FakeEmbedder())
    assert kept.up_to_date
    assert files == {
        p: (p.stat().st_mtime_ns, p.read_bytes()) for p in index_dir.rglob("*") if p.is_file()
    }
    other = build_index(
        [corpus], index_dir, embedder=FakeEmbedder(), options=BuildOptions(batch_size=8)
    )
    assert not other.up_to_date  # another setting is another index
    live = store.live_generation(index_dir)
    target = next(f for f in live.data_files() if f.startswith("bm25/"))
    (live.root / target).write_bytes(b"damaged")
    repaired = build_index(
        [corpus], index_dir, embedder=FakeEmbedder(), options=BuildOptions(batch_size=8)
    )
    assert not repaired.up_to_date
    store.open_index(index_dir)  # loads again


def test_the_same_model_spelled_another_way_reuses_its_vectors(tmp_path: Path) -> None:
    corpus = _copy_corpus(tmp_path)
    first = build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    renamed = FakeEmbedder()
    renamed.name = "/srv/models/fake-hash-64"  # data/tuned-e5 then its absolute path
    again = build_index([corpus], tmp_path / "idx", embedder=renamed)
    assert again.embedded == 0 and again.reused == first.passages
    in_bfloat16 = FakeEmbedder()
    in_bfloat16.precision = "bfloat16"  # other vectors for the same text: embedded anew
    assert build_index([corpus], tmp_path / "idx", embedder=in_bfloat16).reused == 0
