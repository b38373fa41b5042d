"""A corpus with every kind of bad file beside good ones: the bad are skipped, the rest indexed."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from index import __main__ as cli
from index import store
from index.build import BuildOptions, SkippedInput, build_index
from tests.conftest import BUNDLED_CORPUS
from tests.fakes import FakeEmbedder

GOOD = ("s01_proposal_reply_specialized_sme_park.txt", "s10_message_board_replies.csv")

# file name → a phrase its skip reason must contain
BAD: dict[str, str] = {
    "a_link.txt": "符号链接循环",
    "dangling.txt": "符号链接指向的文件不存在",
    "no_text_column.xlsx": "no column with the reply",
    "no_text_column.csv": "Columns found: 编号, 颜色",
    "header_only.xlsx": "没有数据行",
    "header_only.csv": "没有数据行",
    "empty.txt": "empty file",
    "binary.txt": "binary data",
    "old.doc": "另存为 .docx",
    "draft.wps": "另存为 .docx",
    "scan.ofd": "导出为 .pdf",
    "memo.rtf": "另存为 .docx",
}


def _xlsx(path: Path, *rows: list[object]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)


def _bad_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    for name in GOOD:
        shutil.copy(BUNDLED_CORPUS / name, corpus / name)
    os.symlink("b_link", corpus / "a_link.txt")
    os.symlink("a_link.txt", corpus / "b_link")
    os.symlink("gone.txt", corpus / "dangling.txt")
    _xlsx(corpus / "no_text_column.xlsx", ["编号", "颜色"], [1, "红"])
    (corpus / "no_text_column.csv").write_text("编号,颜色\n1,红\n", encoding="utf-8")
    _xlsx(corpus / "header_only.xlsx", ["留言编号", "留言主题", "答复意见"])
    (corpus / "header_only.csv").write_text("编号,标题,答复内容\n", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    for name in ("old.doc", "draft.wps", "scan.ofd", "memo.rtf"):
        (corpus / name).write_bytes(b"\xd0\xcf\x11\xe0 not a format we read")
    return corpus


@pytest.fixture
def quiet_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "load_embedder", lambda *a, **k: FakeEmbedder())
    # an earlier test's CLI call left a handler on a closed capture stream: start afresh
    monkeypatch.setattr(logging.getLogger(), "handlers", [])


def test_each_bad_file_is_skipped_with_its_reason_and_the_rest_indexed(tmp_path: Path) -> None:
    corpus = _bad_corpus(tmp_path)
    report = build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    reasons = {item.path: item.reason for item in report.skipped}
    for name, phrase in BAD.items():
        assert phrase in reasons.get(name, ""), (name, reasons.get(name))
    assert "b_link" not in reasons  # no suffix: not a reply format, and a_link names the loop
    loaded = store.open_index(tmp_path / "idx")
    sources = {r.source.path for r in loaded.replies}
    assert sources == set(GOOD)
    manifest = loaded.manifest
    assert {s["path"] for s in manifest.skipped} == set(BAD)
    assert manifest.counts["skipped"] == len(BAD)
    assert {s.path for s in loaded.skipped} == set(BAD)
    summary = report.describe()
    assert f"skipped {len(BAD)} ({len(BAD)} files, 0 rows)" in summary
    assert all(f"  {name}: " in summary for name in BAD)


def test_cli_exits_0_with_a_warning_when_some_files_were_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], quiet_cli: None
) -> None:
    corpus = _bad_corpus(tmp_path)
    code = cli.main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), "-q"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"skipped {len(BAD)}" in out and "old.doc" in out
    assert f"warning: {len(BAD)} skipped" in err and "--strict" in err


def test_strict_fails_and_leaves_the_previous_index_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], quiet_cli: None
) -> None:
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(BUNDLED_CORPUS / GOOD[0], good / GOOD[0])
    index_dir = tmp_path / "idx"
    assert cli.main(["build", "--corpus", str(good), "--index", str(index_dir), "-q"]) == 0
    before = {p: p.read_bytes() for p in sorted(index_dir.rglob("*")) if p.is_file()}
    corpus = _bad_corpus(tmp_path)
    capsys.readouterr()
    argv = ["build", "--corpus", str(corpus), "--index", str(index_dir), "--strict", "-q"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"--strict: {len(BAD)} file(s) or row(s)" in err and "a_link.txt" in err
    after = {p: p.read_bytes() for p in sorted(index_dir.rglob("*")) if p.is_file()}
    assert after == before


def test_strict_counts_a_skipped_row_too(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "t.csv").write_text("编号,答复内容\n1,已修复路灯。\n2,\n", encoding="utf-8")
    report = build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    assert "(0 files, 1 row)" in report.describe()
    with pytest.raises(SkippedInput, match="row 3"):
        build_index(
            [corpus], tmp_path / "idx2", embedder=FakeEmbedder(), options=BuildOptions(strict=True)
        )
    assert not (tmp_path / "idx2").exists()


def test_nothing_readable_exits_2_and_lists_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], quiet_cli: None
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "old.doc").write_bytes(b"x")
    os.symlink("gone.txt", corpus / "dangling.txt")
    code = cli.main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "No readable replies" in err and "old.doc" in err and "dangling.txt" in err
    assert "Traceback" not in err


def test_skipped_list_survives_in_skipped_jsonl(tmp_path: Path) -> None:
    corpus = _bad_corpus(tmp_path)
    build_index([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    live = store.live_generation(tmp_path / "idx")
    rows = [json.loads(line) for line in live.file(store.SKIPPED).read_text("utf-8").splitlines()]
    assert {r["path"] for r in rows} == set(BAD)
