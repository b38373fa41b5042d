"""What an index directory looks like on disk: file names, the manifest, and its errors.

Layout::

    DIR/
      CURRENT                 one line: the name of the live generation (swapped atomically)
      gen-<stamp>/            one complete, self-consistent build
        manifest.json         format version, model, dimension, counts, versions, checksums
        replies.jsonl         one Reply per line (with its content hash)
        passages.jsonl        one Chunk per line; line i ↔ vector i ↔ BM25 document i
        vectors.npy           float32 (passages, dimension), L2-normalised
        dense.faiss           FAISS index over vectors.npy (written by FAISS itself)
        bm25/                 bm25s index over passages (.npy + JSON, no pickle)
        bm25_records/         bm25s index over whole records (title + question + reply)
        terms.txt             corpus-harvested segmenter terms, one per line
        duplicates.json       groups of near-identical replies (doc ids), shown once
        skipped.jsonl         files and rows the build could not read, and why
        reuse.json            what the next build may take over: raw-record keys, tokens

Every file of a generation except the manifest is listed in the manifest with its sha256;
the manifest carries the sha256 of its own other fields (``manifest_sha256``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# 2: passages carry their field (question or reply); record-level BM25.
# 3: the record-level BM25 also holds character bigrams (index/record_terms.py).
FORMAT_VERSION = 3
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
REPLIES = "replies.jsonl"
PASSAGES = "passages.jsonl"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
BM25_DIR = "bm25"
BM25_RECORDS_DIR = "bm25_records"
TERMS = "terms.txt"
SKIPPED = "skipped.jsonl"
REUSE = "reuse.json"
DUPLICATES = "duplicates.json"
REQUIRED = (REPLIES, PASSAGES, VECTORS, DENSE, TERMS, DUPLICATES)


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

    def same_vectors(self, other: ModelInfo) -> bool:
        """Whether the two embed every text alike: the same weights, dimension and precision.

        The name is how the model was spelled (``data/tuned-e5`` or its absolute path), so a
        rebuild that names the same folder differently still reuses the vectors.
        """
        mine = (self.fingerprint, self.dimension, self.precision)
        return mine == (other.fingerprint, other.dimension, other.precision)


@dataclass(frozen=True)
class Manifest:
    """Build metadata stored as ``manifest.json``."""

    format_version: int
    model: ModelInfo
    dictionary_hash: str
    dense_index: str  # "flat_ip" | "ivf_flat" | "ivf_sq8" (index.dense.choose_kind)
    counts: dict[str, int]
    built_at: str
    build_seconds: float
    versions: dict[str, str]
    settings: dict[str, Any] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    # files and rows the build skipped, each {"path", "reason"} (also in skipped.jsonl)
    skipped: list[dict[str, str]] = field(default_factory=list)

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
        return not self.missing()

    def missing(self) -> list[str]:
        """Names of the required files that are absent."""
        names = [n for n in (MANIFEST, *REQUIRED) if not (self.root / n).is_file()]
        return names + [d for d in (BM25_DIR, BM25_RECORDS_DIR) if not (self.root / d).is_dir()]

    def data_files(self) -> list[str]:
        """Every file of the generation but the manifest, as relative POSIX paths."""
        files = (p for p in self.root.rglob("*") if p.is_file() and p.name != MANIFEST)
        return sorted(p.relative_to(self.root).as_posix() for p in files)


def rebuild_hint(index_dir: Path, *, fresh: bool = True) -> str:
    """The command that rebuilds an index, for error messages.

    ``fresh`` starts from nothing (a damaged index); without it the build reuses what it can,
    such as the vectors of an index written in an older format.
    """
    command = f"python -m index build --corpus CORPUS --index {index_dir}"
    return f"Rebuild it with: {command}" + (" --fresh" if fresh else " (its vectors are reused)")
