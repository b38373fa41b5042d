"""The index directory: generations written atomically, and one door to open an index.

A build writes a whole new generation beside the live one (see :mod:`index.layout`) and
then replaces ``CURRENT`` with ``os.replace``: a build killed at any point leaves the
previous index loadable. :func:`open_index` is the only way in: it checks the manifest,
every file's checksum and the row counts, and returns a typed :class:`LoadedIndex`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from index.dense import FaissDense
from index.engine import DenseIndex, KeywordIndex
from index.keyword import Bm25Keyword
from index.layout import (
    BM25_DIR,
    BM25_RECORDS_DIR,
    CURRENT,
    DENSE,
    DUPLICATES,
    FORMAT_VERSION,
    MANIFEST,
    PASSAGES,
    REPLIES,
    SKIPPED,
    TERMS,
    VECTORS,
    IndexCorrupt,
    IndexMismatch,
    IndexNotFound,
    IndexPaths,
    IndexStoreError,
    Manifest,
    ModelInfo,
    rebuild_hint,
)
from index.reply import Chunk, Reply, Skipped

logger = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = [  # the layout's names are part of this module's surface too
    "IndexCorrupt",
    "IndexMismatch",
    "IndexNotFound",
    "IndexPaths",
    "IndexStoreError",
    "LoadedIndex",
    "Manifest",
    "ModelInfo",
    "open_index",
]


@dataclass(frozen=True)
class Payload:
    """What a build writes into a generation; row ``i`` of chunks ↔ vectors ↔ BM25."""

    replies: list[Reply]
    chunks: list[Chunk]
    vectors: np.ndarray
    terms: list[str]  # corpus-harvested segmenter terms, so search rebuilds the same segmenter
    skipped: list[Skipped]
    duplicates: list[list[str]]


@dataclass(frozen=True)
class LoadedIndex:
    """A live generation, checked and in memory: everything search needs."""

    directory: Path
    manifest: Manifest
    replies: list[Reply]
    chunks: list[Chunk]
    vectors: np.ndarray
    dense: DenseIndex
    keyword: KeywordIndex  # one document per passage
    record_keyword: KeywordIndex  # one document per reply, in ``replies`` order
    terms: list[str]
    duplicates: list[list[str]]
    skipped: list[Skipped]


def open_index(index_dir: Path | str) -> LoadedIndex:
    """Open the live index at ``index_dir`` with every check: manifest, checksums, counts."""
    index_dir = Path(index_dir)
    paths = live_generation(index_dir)
    manifest = read_manifest(paths)
    verify_checksums(paths, manifest)
    replies = _read(
        paths, REPLIES, lambda p: [Reply.from_dict(_without_hash(d)) for d in read_jsonl(p)]
    )
    chunks = _read(paths, PASSAGES, lambda p: [Chunk.from_dict(d) for d in read_jsonl(p)])
    vectors = _read(paths, VECTORS, lambda p: np.load(p, allow_pickle=False))
    dense = _read(paths, DENSE, FaissDense.load)
    keyword = _read(paths, BM25_DIR, Bm25Keyword.load)
    record_keyword = _read(paths, BM25_RECORDS_DIR, Bm25Keyword.load)
    sizes = {"vectors": len(vectors), "dense": len(dense), "keyword": len(keyword)}
    if any(n != len(chunks) for n in sizes.values()) or len(record_keyword) != len(replies):
        raise IndexCorrupt(
            f"Numbers of passages ({len(chunks)}) and replies ({len(replies)}) do not match "
            f"the indexes ({sizes}, records {len(record_keyword)}) in {paths.root}. "
            + rebuild_hint(index_dir)
        )
    return LoadedIndex(
        directory=index_dir,
        manifest=manifest,
        replies=replies,
        chunks=chunks,
        vectors=vectors,
        dense=dense,
        keyword=keyword,
        record_keyword=record_keyword,
        terms=_read(paths, TERMS, lambda p: p.read_text(encoding="utf-8").splitlines()),
        duplicates=_read(paths, DUPLICATES, _read_groups),
        skipped=_read(paths, SKIPPED, lambda p: [Skipped(**d) for d in read_jsonl(p)]),
    )


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


def has_index(index_dir: Path) -> bool:
    """True when ``index_dir`` has a live generation (complete or not: opening checks that)."""
    return (index_dir / CURRENT).is_file()


def read_manifest(paths: IndexPaths) -> Manifest:
    """Parse ``manifest.json`` and check its format version."""
    try:
        data = json.loads(paths.file(MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest.from_dict(data)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError, KeyError) as exc:
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
    """Raise :class:`IndexCorrupt` when any file differs from what the build wrote."""
    present = set(paths.data_files())
    unlisted = sorted(present - set(manifest.checksums))
    if unlisted:
        raise IndexCorrupt(
            f"{paths.root / unlisted[0]} was not written by the build that sealed this index. "
            + rebuild_hint(paths.root.parent)
        )
    for name, expected in manifest.checksums.items():
        path = paths.file(name)
        if name not in present or sha256_file(path) != expected:
            state = "is missing" if name not in present else "does not match its checksum"
            raise IndexCorrupt(
                f"{path} {state}: the index is damaged or was edited by hand. "
                + rebuild_hint(paths.root.parent)
            )


def check_model(manifest: Manifest, model: ModelInfo, index_dir: Path) -> None:
    """Refuse to query vectors made by another model."""
    built = manifest.model
    if (built.fingerprint, built.dimension) != (model.fingerprint, model.dimension):
        spec = manifest.settings.get("model_spec") or "default"
        raise IndexMismatch(
            f"Index at {index_dir} was built with model '{built.name}' "
            f"(dimension {built.dimension}, fingerprint {built.fingerprint[:12]}), but the "
            f"model loaded now is '{model.name}' (dimension {model.dimension}, fingerprint "
            f"{model.fingerprint[:12]}). Query it with --model '{spec}', or rebuild it "
            f"for the new model: python -m index build --corpus CORPUS --index {index_dir} "
            f"--fresh --model MODEL"
        )


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
    write_jsonl(
        paths.file(REPLIES),
        ({**r.to_dict(), "content_hash": r.content_hash} for r in payload.replies),
    )
    write_jsonl(paths.file(PASSAGES), (asdict(c) for c in payload.chunks))
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


def _read(paths: IndexPaths, name: str, reader: Callable[[Path], T]) -> T:
    """``reader(file)``, any failure turned into :class:`IndexCorrupt` naming the file."""
    path = paths.file(name)
    try:
        return reader(path)
    except IndexStoreError:
        raise
    except Exception as exc:  # any reader failure (numpy, FAISS, bm25s, JSON) is damage
        raise IndexCorrupt(
            f"{path} is unreadable ({type(exc).__name__}: {exc}). "
            + rebuild_hint(paths.root.parent)
        ) from exc


def _read_groups(path: Path) -> list[list[str]]:
    return [list(map(str, g)) for g in json.loads(path.read_text(encoding="utf-8"))]


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
