from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.__main__ import main


def test_empty_query_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--index", str(tmp_path), "   "]) == 2
    assert "请输入" in capsys.readouterr().err


def test_missing_index_exits_2_with_the_build_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--index", str(tmp_path / "none"), "停车"]) == 2
    assert "python -m index build" in capsys.readouterr().err


def test_eval_with_a_missing_query_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["eval", "--index", str(tmp_path), "--queries", str(tmp_path / "q.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_json_output_has_the_hit_fields(
    fake_index: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import __main__ as cli
    from search.searcher import Searcher
    from tests.fakes import FakeEmbedder

    monkeypatch.setattr(
        cli, "_load", lambda args: Searcher.load(Path(args.index), embedder=FakeEmbedder())
    )
    assert main(["--index", str(fake_index), "--k", "3", "--json", "加装电梯"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3 and rows[0]["doc_id"].startswith("s02_")
    assert {"doc_id", "rank", "score", "title", "passages", "measures", "duplicates"} <= set(
        rows[0]
    )


def test_bad_k_exits_2(
    fake_index: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import __main__ as cli
    from search.searcher import Searcher
    from tests.fakes import FakeEmbedder

    monkeypatch.setattr(
        cli, "_load", lambda args: Searcher.load(Path(args.index), embedder=FakeEmbedder())
    )
    assert main(["--index", str(fake_index), "--k", "0", "停车"]) == 2
    assert "结果条数" in capsys.readouterr().err


def test_a_long_query_comes_from_a_file_or_stdin(
    fake_index: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    from search import Searcher
    from search import __main__ as cli
    from tests.fakes import FakeEmbedder

    monkeypatch.setattr(
        cli, "_load", lambda args: Searcher.load(Path(args.index), embedder=FakeEmbedder())
    )
    message = tmp_path / "message.txt"
    message.write_text("楼下烧烤店油烟噪音扰民，" * 5_000, encoding="utf-8")  # beyond argv limits
    assert main(["--index", str(fake_index), "--json", "--query-file", str(message)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["doc_id"] == "QL20230412"
    monkeypatch.setattr("sys.stdin", io.StringIO("加装电梯 补贴"))
    assert main(["--index", str(fake_index), "--query-file", "-"]) == 0
    assert capsys.readouterr().out.startswith("1. ")
    assert main(["--index", str(fake_index), "--query-file", "-", "停车"]) == 2


def test_dates_are_read_as_the_app_reads_them(
    fake_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--index", str(fake_index), "--date-from", "2021-13-45", "停车"]) == 2
    assert "2021-13-45" in capsys.readouterr().err
