"""Corruption fuzz: every file of a small index is flipped, truncated, scrambled, deleted and
emptied in turn; each case is refused with a message naming the file and the rebuild command.

No case may load silently and none may end in a traceback, through ``open_index`` or
``python -m index info``.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from index import store
from index.__main__ import main
from index.build import build_index
from tests.conftest import BUNDLED_CORPUS, REPO
from tests.fakes import FakeEmbedder

REBUILD = "python -m index build"


def _flip(data: bytes) -> bytes:
    """XOR 16 bytes spread over the file (every byte changes)."""
    out = bytearray(data)
    for i in range(16):
        out[(i * 7919) % len(out)] ^= 0xFF
    return bytes(out)


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _scramble(data: bytes) -> bytes:
    out = bytearray(data)
    random.Random(len(data)).shuffle(out)
    return bytes(out)


MUTATIONS: dict[str, Callable[[bytes], bytes] | None] = {
    "flip": _flip,
    "truncate": _truncate,
    "scramble": _scramble,
    "empty": lambda data: b"",
    "delete": None,
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small index whose every file is non-empty (one skipped file fills skipped.jsonl)."""
    root = tmp_path_factory.mktemp("fuzz")
    corpus = root / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus, ignore=shutil.ignore_patterns("tools", "README.md"))
    (corpus / "old.doc").write_bytes(b"x")
    index_dir = root / "index"
    build_index([corpus], index_dir, embedder=FakeEmbedder())
    return index_dir


def _generation_files(index_dir: Path) -> list[str]:
    live = store.live_generation(index_dir)
    return [store.MANIFEST, *live.data_files()]


def _cases(index_dir: Path) -> list[tuple[str, str]]:
    return [(name, how) for name in _generation_files(index_dir) for how in MUTATIONS]


def _damage(index_dir: Path, relative: str, how: str) -> bool:
    """Apply one mutation; False when it would leave the bytes as they were (no damage)."""
    path = index_dir / relative
    mutate = MUTATIONS[how]
    if mutate is None:
        path.unlink()
        return True
    data = path.read_bytes()
    damaged = mutate(data)
    if damaged == data:
        return False
    path.write_bytes(damaged)
    return True


def _refused(index_dir: Path, named: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(store.IndexStoreError) as info:
        store.open_index(index_dir)
    message = str(info.value)
    assert named in message and REBUILD in message, message
    capsys.readouterr()
    assert main(["info", str(index_dir)]) != 0
    err = capsys.readouterr().err
    assert named in err and REBUILD in err, err


def test_every_file_of_the_generation_is_non_empty_and_listed(pristine: Path) -> None:
    live = store.live_generation(pristine)
    files = live.data_files()
    assert any(f.startswith("bm25/") for f in files) and any(
        f.startswith("bm25_records/") for f in files
    )
    assert "reuse.json" in files and "skipped.jsonl" in files
    assert all((live.root / f).stat().st_size > 0 for f in files)


def test_each_damaged_file_is_refused_naming_it(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generation = store.live_generation(pristine).root.name
    tried = 0
    for relative, how in _cases(pristine):
        index_dir = tmp_path / f"{how}-{relative.replace('/', '_')}"
        shutil.copytree(pristine, index_dir)
        if not _damage(index_dir / generation, relative, how):
            continue
        tried += 1
        _refused(index_dir, Path(relative).name, capsys)
    assert tried >= 5 * 15


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda text: text[: len(text) // 3], "manifest.json"),
        (lambda text: re.sub(r'"format_version": \d+', '"format_version": 7', text), "version 7"),
        (lambda text: text.replace('"replies": ', '"replies": 1'), "manifest.json"),
        (lambda text: json.dumps(["not", "a", "manifest"]), "manifest.json"),
    ],
    ids=["truncated-json", "wrong-format-version", "edited-count", "wrong-shape"],
)
def test_a_damaged_manifest_is_refused(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[str], str],
    named: str,
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir)
    manifest = store.live_generation(index_dir).file(store.MANIFEST)
    manifest.write_text(edit(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    _refused(index_dir, named, capsys)


def test_a_missing_manifest_or_pointer_is_refused(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = tmp_path / "no-manifest"
    shutil.copytree(pristine, index_dir)
    store.live_generation(index_dir).file(store.MANIFEST).unlink()
    _refused(index_dir, "manifest.json", capsys)
    for how in MUTATIONS:
        index_dir = tmp_path / f"current-{how}"
        shutil.copytree(pristine, index_dir)
        assert _damage(index_dir, store.CURRENT, how)
        with pytest.raises(store.IndexStoreError) as info:
            store.open_index(index_dir)
        assert store.CURRENT in str(info.value) and REBUILD in str(info.value), info.value
        assert main(["info", str(index_dir)]) != 0


def test_info_command_exits_non_zero_without_a_traceback(pristine: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir)
    live = store.live_generation(index_dir)
    target = next(f for f in live.data_files() if f.startswith("bm25/") and f.endswith(".npy"))
    assert _damage(live.root, target, "scramble")
    done = subprocess.run(
        [sys.executable, "-m", "index", "info", str(index_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert Path(target).name in done.stderr and REBUILD in done.stderr
    assert "Traceback" not in done.stderr
