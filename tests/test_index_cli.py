from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path

import pytest

from index import __main__ as index_cli
from index.__main__ import main
from index.reply import Reply
from tests.conftest import BUNDLED_CORPUS
from tests.fakes import FakeEmbedder


def test_inspect_json_keys_are_exactly_the_reply_fields(
    seed_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(seed_path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1
    assert list(rows[0]) == [f.name for f in fields(Reply)]
    assert rows[0]["doc_number"] == "焦工信〔2022〕64号"


def test_inspect_a_table_prints_one_record_per_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(BUNDLED_CORPUS / "s10_message_board_replies.csv"), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) >= 3 and all(r["kind"] == "message_reply" for r in rows)


def test_inspect_summary_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    path = BUNDLED_CORPUS / "s01_proposal_reply_specialized_sme_park.txt"
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "文号: 岚工信〔2023〕18号" in out and "[计划]" in out


def test_inspect_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(tmp_path / "none.txt")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_table_without_text_column_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "t.csv"
    table.write_text("编号,颜色\n1,红\n", encoding="utf-8")
    assert main(["inspect", str(table)]) == 2
    assert "颜色" in capsys.readouterr().err


def test_info_prints_the_manifest(fake_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(fake_index)]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["model"]["dimension"] == 64 and manifest["counts"]["replies"] >= 10


def test_build_with_a_missing_corpus_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import __main__ as cli
    from tests.fakes import FakeEmbedder

    monkeypatch.setattr(cli, "load_embedder", lambda *a, **k: FakeEmbedder())
    code = main(["build", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i")])
    assert code == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["info", "DIR", "-v"],
        ["-v", "info", "DIR"],
        ["build", "--corpus", "c", "--index", "DIR", "-v"],
        ["inspect", "f.txt", "--verbose"],
        ["tune", "--corpus", "c", "--out", "m", "-v"],
    ],
)
def test_verbose_flag_works_before_or_after_the_sub_command(argv: list[str]) -> None:
    from index.__main__ import _parser

    assert _parser().parse_args(argv).verbose is True
    without = [a for a in argv if a not in ("-v", "--verbose")]
    assert _parser().parse_args(without).verbose is False


def test_info_verbose_after_the_sub_command(
    fake_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", str(fake_index), "-v"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["replies"] >= 10


def test_a_build_called_in_process_leaves_the_callers_priority_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_cli, "load_embedder", lambda *a, **k: FakeEmbedder())
    before = os.nice(0)
    build = ["build", "--corpus", str(BUNDLED_CORPUS), "--index"]
    assert index_cli.main([*build, str(tmp_path / "i")]) == 0
    assert os.nice(0) == before
    assert index_cli.main([*build, str(tmp_path / "j"), "--threads", "-1"]) == 2
