"""The index directory: fixed file names, a manifest, atomic writes, loading with checks.

Layout::

    DIR/
      CURRENT                 one line: the name of the live generation (swapped atomically)
      gen-<stamp>/            one complete, self-consistent build
        manifest.json         format version, model, dimension, counts, versions, checksums
        replies.jsonl         one Reply per line (with its content hash)
        passages.jsonl        one Chunk per line; line i ↔ vector i ↔ BM25 document i
        vectors.npy           float32 (passages, dimension), L2-normalised
        dense.faiss           FAISS index over vectors.npy (written by FAISS itself)
        bm25/                 bm25s index (.npy + JSON, no pickle)
        terms.txt             corpus-harvested segmenter terms, one per line
        duplicates.json       groups of near-identical replies (doc ids), shown once
        skipped.jsonl         files and rows the build could not read, and why

A build writes a whole new generation beside the live one and then replaces ``CURRENT``
with ``os.replace``: a build killed at any point leaves the previous index loadable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.reply import Chunk, Reply, Skipped

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
REPLIES = "replies.jsonl"
PASSAGES = "passages.jsonl"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
BM25_DIR = "bm25"
TERMS = "terms.txt"
SKIPPED = "skipped.jsonl"
DUPLICATES = "duplicates.json"
CHECKSUMMED = (REPLIES, PASSAGES, VECTORS, DENSE, TERMS, DUPLICATES)


class IndexStoreError(Exception):
    """Base for problems with an index directory; the message says how to fix it."""


class IndexNotFound(IndexStoreError):
    """No index at the given directory."""


class IndexCorrupt(IndexStoreError):
    """Files missing, truncated or not matching their checksums."""


class IndexMismatch(IndexStoreError):
    """Built with another format version, model or dimension than the one asked for."""


@dataclass(frozen=True)
class ModelInfo:
    """Which embedder built the vectors; a different one cannot query them."""

    name: str
    fingerprint: str
    dimension: int
    precision: str


@dataclass(frozen=True)
class Manifest:
    """Build metadata stored as ``manifest.json``."""

    format_version: int
    model: ModelInfo
    dictionary_hash: str
    dense_index: str  # "flat_ip" | "hnsw"
    counts: dict[str, int]
    built_at: str
    build_seconds: float
    versions: dict[str, str]
    settings: dict[str, Any] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**data, "model": ModelInfo(**data["model"])})


@dataclass(frozen=True)
class IndexPaths:
    """The fixed file names of one generation."""

    root: Path

    def file(self, name: str) -> Path:
        """Path of one of the fixed files inside this generation."""
        return self.root / name

    def is_valid(self) -> bool:
        """True when every required file is present."""
        required = (MANIFEST, *CHECKSUMMED)
        return all((self.root / n).is_file() for n in required) and (self.root / BM25_DIR).is_dir()

    def missing(self) -> list[str]:
        """Names of the required files that are absent."""
        names = [n for n in (MANIFEST, *CHECKSUMMED) if not (self.root / n).is_file()]
        return names + ([BM25_DIR] if not (self.root / BM25_DIR).is_dir() else [])


def rebuild_hint(index_dir: Path) -> str:
    """The command that rebuilds an index, for error messages."""
    return f"Rebuild it with: python -m index build --corpus CORPUS --index {index_dir} --fresh"


def live_generation(index_dir: Path) -> IndexPaths:
    """The generation ``CURRENT`` points to, or :class:`IndexNotFound`."""
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        raise IndexNotFound(
            f"No index found at {index_dir}. Build one with: "
            f"python -m index build --corpus corpus --index {index_dir}"
        )
    name = pointer.read_text(encoding="utf-8").strip()
    paths = IndexPaths(index_dir / name)
    if not name or not paths.is_valid():
        raise IndexCorrupt(
            f"Index at {index_dir} is incomplete (missing: {', '.join(paths.missing())}). "
            + rebuild_hint(index_dir)
        )
    return paths


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write JSON lines, UTF-8, Chinese kept readable."""
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Read JSON lines; a broken line is :class:`IndexCorrupt`."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise IndexCorrupt(f"{path} line {number} is not valid JSON ({exc}).") from exc


def new_generation(index_dir: Path) -> IndexPaths:
    """Create an empty generation folder beside the live one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    root = index_dir / f"gen-{stamp}"
    root.mkdir()
    return IndexPaths(root)


def write_payload(
    paths: IndexPaths,
    replies: list[Reply],
    chunks: list[Chunk],
    vectors: np.ndarray,
    terms: Sequence[str],
    skipped: list[Skipped],
    duplicates: list[list[str]],
) -> None:
    """Write the record files of a generation (FAISS and BM25 are written by their builders)."""
    write_jsonl(
        paths.file(REPLIES), ({**r.to_dict(), "content_hash": r.content_hash} for r in replies)
    )
    write_jsonl(paths.file(PASSAGES), (asdict(c) for c in chunks))
    np.save(paths.file(VECTORS), vectors.astype(np.float32), allow_pickle=False)
    paths.file(TERMS).write_text("".join(t + "\n" for t in terms), encoding="utf-8")
    write_jsonl(paths.file(SKIPPED), (asdict(s) for s in skipped))
    paths.file(DUPLICATES).write_text(json.dumps(duplicates, ensure_ascii=False), encoding="utf-8")


def commit_generation(index_dir: Path, paths: IndexPaths, manifest: Manifest) -> None:
    """Seal a generation (checksums, manifest, fsync) and make it the live one atomically."""
    sums = {name: sha256_file(paths.file(name)) for name in CHECKSUMMED}
    sealed = Manifest.from_dict({**manifest.to_dict(), "checksums": sums})
    paths.file(MANIFEST).write_text(
        json.dumps(sealed.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
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


def read_manifest(paths: IndexPaths) -> Manifest:
    """Parse ``manifest.json`` and check its format version."""
    try:
        data = json.loads(paths.file(MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest.from_dict(data)
    except (json.JSONDecodeError, TypeError, KeyError) as exc:
        raise IndexCorrupt(
            f"{paths.file(MANIFEST)} is unreadable ({exc}). " + rebuild_hint(paths.root.parent)
        ) from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatch(
            f"Index at {paths.root.parent} has format version {manifest.format_version}; "
            f"this version of 先例 reads version {FORMAT_VERSION}. "
            + rebuild_hint(paths.root.parent)
        )
    return manifest


def verify_checksums(paths: IndexPaths, manifest: Manifest) -> None:
    """Raise :class:`IndexCorrupt` when a file differs from what the build wrote."""
    for name, expected in manifest.checksums.items():
        if sha256_file(paths.file(name)) != expected:
            raise IndexCorrupt(
                f"{paths.file(name)} does not match its checksum: the index is corrupt or "
                "was edited by hand. " + rebuild_hint(paths.root.parent)
            )


def check_model(manifest: Manifest, model: ModelInfo, index_dir: Path) -> None:
    """Refuse to query vectors made by another model."""
    built = manifest.model
    if (built.fingerprint, built.dimension) != (model.fingerprint, model.dimension):
        raise IndexMismatch(
            f"Index at {index_dir} was built with model '{built.name}' "
            f"(dimension {built.dimension}, fingerprint {built.fingerprint[:12]}), but the "
            f"model loaded now is '{model.name}' (dimension {model.dimension}, fingerprint "
            f"{model.fingerprint[:12]}). Query it with --model '{built.name}', or rebuild it "
            f"for the new model: python -m index build --corpus CORPUS --index {index_dir} "
            f"--fresh --model '{model.name}'"
        )


def load_records(paths: IndexPaths) -> tuple[list[Reply], list[Chunk], np.ndarray, list[str]]:
    """Read replies, passages, vectors and terms of a generation, checking they agree."""
    replies = [Reply.from_dict(_without_hash(d)) for d in read_jsonl(paths.file(REPLIES))]
    chunks = [Chunk(**d) for d in read_jsonl(paths.file(PASSAGES))]
    try:
        vectors = np.load(paths.file(VECTORS), allow_pickle=False)
    except ValueError as exc:
        raise IndexCorrupt(f"{paths.file(VECTORS)} is unreadable ({exc}).") from exc
    if vectors.shape[0] != len(chunks):
        raise IndexCorrupt(
            f"Number of passages ({len(chunks)}) does not match number of vectors "
            f"({vectors.shape[0]}). " + rebuild_hint(paths.root.parent)
        )
    terms = paths.file(TERMS).read_text(encoding="utf-8").splitlines()
    return replies, chunks, vectors, terms


def load_duplicates(paths: IndexPaths) -> list[list[str]]:
    """Groups of near-identical replies recorded by the build."""
    try:
        groups = json.loads(paths.file(DUPLICATES).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndexCorrupt(f"{paths.file(DUPLICATES)} is unreadable ({exc}).") from exc
    return [list(map(str, g)) for g in groups]


def load_skipped(paths: IndexPaths) -> list[Skipped]:
    """Files and rows the build skipped."""
    if not paths.file(SKIPPED).is_file():
        return []
    return [Skipped(**d) for d in read_jsonl(paths.file(SKIPPED))]


def _without_hash(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "content_hash"}


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
