"""The index directory: generations written atomically, and one door to open an index.

A build writes a whole new generation beside the live one (see :mod:`index.layout`) and
then replaces ``CURRENT`` with ``os.replace``: a build killed at any point leaves the
previous index loadable. :func:`open_index` is the only way in: it checks the manifest,
every file's checksum and the row counts, and returns a typed :class:`LoadedIndex`.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
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
from index.store_write import (
    MANIFEST_SHA256,
    Payload,
    commit_generation,
    discard_generation,
    manifest_digest,
    new_generation,
    remove_stale_generations,
    sha256_file,
    write_jsonl,
    write_payload,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
_GENERATION_NAME = re.compile(r"^gen-[0-9A-Za-z-]+$")

__all__ = [  # the layout's and the write side's names are part of this module's surface too
    "IndexCorrupt",
    "IndexMismatch",
    "IndexNotFound",
    "IndexPaths",
    "IndexStoreError",
    "LoadedIndex",
    "Manifest",
    "ModelInfo",
    "Payload",
    "commit_generation",
    "discard_generation",
    "new_generation",
    "open_index",
    "remove_stale_generations",
    "sha256_file",
    "write_jsonl",
    "write_payload",
]


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
            f"No index found at {index_dir} (no {CURRENT} file). Build one with: "
            f"python -m index build --corpus corpus --index {index_dir}"
        )
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(
            f"{pointer} is unreadable ({type(exc).__name__}). " + rebuild_hint(index_dir)
        ) from exc
    if not _GENERATION_NAME.match(name):
        raise IndexCorrupt(
            f"{pointer} does not name a generation ({name[:40]!r}). " + rebuild_hint(index_dir)
        )
    paths = IndexPaths(index_dir / name)
    if not paths.root.is_dir():
        raise IndexCorrupt(
            f"{pointer} names the generation {name}, which does not exist. "
            + rebuild_hint(index_dir)
        )
    if not paths.is_valid():
        raise IndexCorrupt(
            f"Index at {index_dir} is incomplete (missing: {', '.join(paths.missing())}). "
            + rebuild_hint(index_dir)
        )
    return paths


def has_index(index_dir: Path) -> bool:
    """True when ``index_dir`` has a live generation (complete or not: opening checks that)."""
    return (index_dir / CURRENT).is_file()


def read_manifest(paths: IndexPaths, *, any_format: bool = False) -> Manifest:
    """Parse ``manifest.json``, check its own checksum and its format version.

    ``any_format`` lets a rebuild read an older generation's manifest to reuse its vectors
    (they depend only on the passage text and the model, not on the format).
    """
    path = paths.file(MANIFEST)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        sealed = data.pop(MANIFEST_SHA256, None)  # absent in manifests of older builds
        manifest = Manifest.from_dict(data)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError, KeyError, AttributeError) as exc:
        raise IndexCorrupt(
            f"{path} is unreadable ({type(exc).__name__}: {exc}). "
            + rebuild_hint(paths.root.parent)
        ) from exc
    # The version first: another version may seal the manifest differently.
    if manifest.format_version != FORMAT_VERSION and not any_format:
        raise IndexMismatch(
            f"Index at {paths.root.parent} has format version {manifest.format_version} "
            f"({path}); this version of 先例 reads version {FORMAT_VERSION}. "
            + rebuild_hint(paths.root.parent, fresh=False)
        )
    if sealed is not None and sealed != manifest_digest(manifest):
        raise IndexCorrupt(
            f"{path} does not match its own checksum: the index is damaged or was edited by "
            "hand. " + rebuild_hint(paths.root.parent)
        )
    return manifest


def verify_checksums(
    paths: IndexPaths, manifest: Manifest, *, only: Sequence[str] | None = None
) -> None:
    """Raise :class:`IndexCorrupt` when any file (or any of ``only``) differs from the build's."""
    present = set(paths.data_files())
    unlisted = sorted(present - set(manifest.checksums))
    if only is not None:
        checksums = {n: h for n, h in manifest.checksums.items() if n in only}
        _verify(paths, checksums, present)
        return
    if unlisted:
        raise IndexCorrupt(
            f"{paths.root / unlisted[0]} was not written by the build that sealed this index. "
            + rebuild_hint(paths.root.parent)
        )
    _verify(paths, manifest.checksums, present)


def _verify(paths: IndexPaths, checksums: dict[str, str], present: set[str]) -> None:
    for name, expected in checksums.items():
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
        spec = str(manifest.settings.get("model_spec") or "default")
        where = _location_option(index_dir)
        # --model takes what load_embedder takes (the recorded spec), never the display name
        raise IndexMismatch(
            f"Index at {index_dir} was built with model '{built.name}' "
            f"(dimension {built.dimension}, fingerprint {built.fingerprint[:12]}), but the "
            f"model loaded now is '{model.name}' (dimension {model.dimension}, fingerprint "
            f"{model.fingerprint[:12]}). Query it with the model that built it: "
            f"python -m search {where} --model "
            f"{shlex.quote(spec)} QUERY (or leave --model out: the index's own model is "
            f"loaded), or rebuild it for the new model: python -m index build --corpus CORPUS "
            f"{where} --fresh --model MODEL"
        )


def _location_option(index_dir: Path) -> str:
    """The command-line option that names this index: a Milvus store or a local folder."""
    location = str(index_dir)
    option = "--store" if location.startswith("milvus") else "--index"
    return f"{option} {shlex.quote(location)}"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Read JSON lines; a broken line is :class:`IndexCorrupt`."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise IndexCorrupt(
                    f"{path} line {number} is not valid JSON ({exc}). "
                    + rebuild_hint(path.parent.parent)
                ) from exc


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
