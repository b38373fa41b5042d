"""End to end on the real default model: CLI build, info and search, as the README says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.read import read_file
from index.reply import RawRecord
from tests.conftest import BUNDLED_CORPUS, REPO

pytestmark = pytest.mark.slow


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.fixture(scope="module")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """corpus/ plus 120 rows of 附件4 (when ../shared is present), built by the CLI."""
    work = tmp_path_factory.mktemp("e2e")
    paths = [str(BUNDLED_CORPUS)]
    tipdm4 = REPO.parent / "shared" / "corpus" / "tipdm2020" / "附件4.xlsx"
    if tipdm4.exists():
        rows = [r for r in read_file(tipdm4) if isinstance(r, RawRecord)][:120]
        subset = work / "tipdm4_subset.jsonl"
        subset.write_text(
            "".join(json.dumps(r.fields, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
        paths.append(str(subset))
    index_dir = work / "index"
    built = _run("-m", "index", "build", "--corpus", *paths, "--index", str(index_dir), "-q")
    assert built.returncode == 0, built.stderr
    assert "passages/s" in built.stdout
    return index_dir


def _search(index_dir: Path, query: str, *extra: str) -> list[dict]:
    result = _run("-m", "search", "--index", str(index_dir), "--json", *extra, query)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_manifest_names_the_default_model(real_index: Path) -> None:
    info = _run("-m", "index", "info", str(real_index))
    manifest = json.loads(info.stdout)
    assert manifest["model"]["dimension"] == 384
    assert "e5-small" in manifest["model"]["name"]
    assert manifest["model"]["precision"] in ("float32", "bfloat16")


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_park_question_finds_the_park_reply(real_index: Path, mode: str) -> None:
    hits = _search(real_index, "中心城区 高端制造业 园区", "--mode", mode, "--k", "3")
    assert hits[0]["doc_id"] == "s01_proposal_reply_specialized_sme_park.txt"


def test_message_board_question_finds_the_fumes_replies(real_index: Path) -> None:
    hits = _search(real_index, "楼下烧烤店晚上油烟噪音太大，影响休息，谁来管？", "--k", "5")
    ids = [h["doc_id"] for h in hits]
    assert "QL20230412" in ids[:3] or "s08_proposal_reply_noise_cooking_fumes.txt" in ids[:3]


def test_empty_query_exits_2(real_index: Path) -> None:
    result = _run("-m", "search", "--index", str(real_index), " ")
    assert result.returncode == 2 and "请输入" in result.stderr


def test_rebuild_reuses_every_vector(real_index: Path) -> None:
    manifest = json.loads(_run("-m", "index", "info", str(real_index)).stdout)
    corpus = [str(BUNDLED_CORPUS)]
    subset = real_index.parent / "tipdm4_subset.jsonl"
    corpus += [str(subset)] if subset.exists() else []
    again = _run("-m", "index", "build", "--corpus", *corpus, "--index", str(real_index), "-q")
    assert again.returncode == 0, again.stderr
    assert "embedded: 0" in again.stdout
    assert f"passages: {manifest['counts']['passages']}" in again.stdout
