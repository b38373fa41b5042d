"""Writing a generation: the payload, its checksums, the sealed manifest, the atomic switch.

The write side of :mod:`index.store` (which re-exports these names): a build writes a whole
new generation beside the live one and then replaces ``CURRENT`` with ``os.replace``, so a
build killed at any point leaves the previous index loadable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.engine import DenseIndex, KeywordIndex
from index.layout import (
    BM25_DIR,
    BM25_RECORDS_DIR,
    CURRENT,
    DENSE,
    DUPLICATES,
    MANIFEST,
    PASSAGES,
    REPLIES,
    REUSE,
    SKIPPED,
    TERMS,
    VECTORS,
    IndexPaths,
    Manifest,
)
from index.reply import Chunk, Reply, Skipped

logger = logging.getLogger(__name__)
MANIFEST_SHA256 = "manifest_sha256"


@dataclass(frozen=True)
class Payload:
    """What a build writes into a generation; row ``i`` of chunks ↔ vectors ↔ BM25."""

    replies: list[Reply]
    chunks: list[Chunk]
    vectors: np.ndarray
    terms: list[str]  # corpus-harvested segmenter terms, so search rebuilds the same segmenter
    skipped: list[Skipped]
    duplicates: list[list[str]]
    # Stored JSON lines taken over from the previous generation (None: serialise it anew).
    reply_lines: list[str | None] | None = None
    chunk_lines: list[str | None] | None = None
    reuse: dict[str, Any] | None = None  # reuse.json for the next build (index.reuse)


def new_generation(index_dir: Path) -> IndexPaths:
    """Create an empty generation folder beside the live one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    root = index_dir / f"gen-{stamp}"
    root.mkdir()
    return IndexPaths(root)


def write_payload(
    paths: IndexPaths,
    payload: Payload,
    dense: DenseIndex,
    keyword: KeywordIndex,
    record_keyword: KeywordIndex,
) -> None:
    """Write every file of a generation but the manifest."""
    reply_lines = payload.reply_lines or [None] * len(payload.replies)
    _write_lines(
        paths.file(REPLIES),
        (
            line or _json_line({**r.to_dict(), "content_hash": r.content_hash})
            for r, line in zip(payload.replies, reply_lines, strict=True)
        ),
    )
    chunk_lines = payload.chunk_lines or [None] * len(payload.chunks)
    _write_lines(
        paths.file(PASSAGES),
        (
            line or _json_line(asdict(c))
            for c, line in zip(payload.chunks, chunk_lines, strict=True)
        ),
    )
    if payload.reuse is not None:
        paths.file(REUSE).write_text(json.dumps(payload.reuse, ensure_ascii=False), "utf-8")
    np.save(paths.file(VECTORS), payload.vectors.astype(np.float32), allow_pickle=False)
    paths.file(TERMS).write_text("".join(t + "\n" for t in payload.terms), encoding="utf-8")
    write_jsonl(paths.file(SKIPPED), (asdict(s) for s in payload.skipped))
    duplicates = json.dumps(payload.duplicates, ensure_ascii=False)
    paths.file(DUPLICATES).write_text(duplicates, encoding="utf-8")
    dense.save(paths.file(DENSE))
    keyword.save(paths.file(BM25_DIR))
    record_keyword.save(paths.file(BM25_RECORDS_DIR))


def commit_generation(index_dir: Path, paths: IndexPaths, manifest: Manifest) -> None:
    """Seal a generation (checksums, manifest, fsync) and make it the live one atomically."""
    sums = {name: sha256_file(paths.file(name)) for name in paths.data_files()}
    sealed = Manifest.from_dict({**manifest.to_dict(), "checksums": sums})
    data = {**sealed.to_dict(), MANIFEST_SHA256: manifest_digest(sealed)}
    paths.file(MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    _fsync_tree(paths.root)
    pointer_tmp = index_dir / f"{CURRENT}.tmp-{os.getpid()}"
    pointer_tmp.write_text(paths.root.name + "\n", encoding="utf-8")
    _fsync_file(pointer_tmp)
    os.replace(pointer_tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    remove_stale_generations(index_dir, keep=paths.root.name)


def remove_stale_generations(index_dir: Path, *, keep: str) -> None:
    """Delete generations other than ``keep`` (left by older or interrupted builds)."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)
            logger.debug("removed stale generation %s", child.name)
        elif child.name.startswith(f"{CURRENT}.tmp-"):
            child.unlink(missing_ok=True)


def discard_generation(paths: IndexPaths) -> None:
    """Remove a generation that failed to build, leaving the live one untouched."""
    shutil.rmtree(paths.root, ignore_errors=True)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write JSON lines, UTF-8, Chinese kept readable."""
    _write_lines(path, (_json_line(row) for row in rows))


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")


def _json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False)


def manifest_digest(manifest: Manifest) -> str:
    """sha256 of the manifest's fields in a canonical form (sorted keys, no spaces)."""
    canonical = json.dumps(manifest.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _fsync_file(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            _fsync_file(path)
    for path in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        _fsync_dir(path)
