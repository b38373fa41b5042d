"""Shared fixtures: paths into ../shared (skipped cleanly when absent) and fast fakes."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpus"
SEED = SHARED / "seed" / "000_b90c929a2134fc54.txt"
TIPDM4 = SHARED / "tipdm2020" / "附件4.xlsx"
TIPDM3 = SHARED / "tipdm2020" / "附件3.xlsx"
BUNDLED_CORPUS = REPO / "corpus"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared corpus not present: {path}")
    return path


@pytest.fixture
def seed_path() -> Path:
    """The real formal reply 焦工信〔2022〕64号 (skips when ../shared is absent)."""
    return _require(SEED)


@pytest.fixture
def tipdm4_path() -> Path:
    """附件4.xlsx: 2,816 message-board messages with replies (skips when absent)."""
    return _require(TIPDM4)


@pytest.fixture
def tipdm3_path() -> Path:
    """附件3.xlsx: 4,326 messages without replies (skips when absent)."""
    return _require(TIPDM3)


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus built with the fake embedder (shared, read-only)."""
    from index.build import build_index
    from tests.fakes import FakeEmbedder

    index_dir = tmp_path_factory.mktemp("fake_index") / "index"
    build_index([BUNDLED_CORPUS], index_dir, embedder=FakeEmbedder())
    return index_dir
