"""What a re-build takes over from the live generation, so a small update stays small.

A nightly re-build that adds ten records should not parse, chunk, segment and serialise the
other thousands again. The live generation keeps, beside its data, ``reuse.json``: the key of
the raw record each reply was parsed from (content + source + the code that parsed it) and
the keyword tokens of every passage and record text. A re-build:

- takes a reply (and its passages, and their JSON lines) whose raw record key is unchanged;
- takes a vector whose passage text is unchanged (same model);
- takes the tokens of a text when the segmenter is the same (its dictionary hash, corpus
  terms included: a new term may change how jieba cuts any text, so it re-cuts them all).

Only files whose checksums match the manifest are used; anything else is recomputed, so a
damaged or older generation costs time, never correctness. JSON and ``.npy`` only.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.layout import PASSAGES, REPLIES, REUSE, VECTORS, IndexStoreError
from index.reply import Chunk, RawRecord, Reply

logger = logging.getLogger(__name__)

REUSE_VERSION = 1
# What must match between the live manifest and the one a build would write to keep the live
# generation as it is (the time fields differ by nature).
_SAME_IN_MANIFESTS = (
    "format_version",
    "model",
    "dictionary_hash",
    "counts",
    "versions",
    "settings",
    "skipped",
)
_PACKAGE = Path(__file__).resolve().parent


def code_fingerprint() -> str:
    """sha256 over the index package's sources and data: what parsing and chunking depend on.

    Any change to the code or its word lists makes every cached reply and token stale.
    """
    digest = hashlib.sha256()
    for path in sorted([*_PACKAGE.glob("*.py"), *_PACKAGE.glob("data/**/*")]):
        if path.is_file():
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def raw_key(raw: RawRecord, code: str) -> str:
    """The identity of a raw record for reuse: its source, text and fields, and the code."""
    data = [code, raw.source.path, raw.source.row, raw.text, sorted(raw.fields.items())]
    return hashlib.md5(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Cached:
    """One reply of the live generation: the reply, its passages and their stored lines."""

    reply: Reply  # under the doc id the parser gave it
    stored_id: str  # under the doc id it was stored (made unique across sources)
    line: str
    chunks: list[Chunk]
    chunk_lines: list[str]


@dataclass
class Previous:
    """The reusable parts of the live generation (empty when there is none or it is unusable)."""

    replies: dict[str, Cached] = field(default_factory=dict)  # by raw key
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # by passage text key
    tokens: dict[str, list[str]] = field(default_factory=dict)  # by text key
    segmenter: str = ""  # dictionary hash of the segmenter that made ``tokens``
    chunking: dict[str, Any] = field(default_factory=dict)
    raw_keys: list[str] = field(default_factory=list)  # in the live generation's order
    manifest: store.Manifest | None = None
    paths: store.IndexPaths | None = None

    def unchanged(self, now: store.Manifest, raw_keys: list[str]) -> bool:
        """True when a build would write what the live generation holds already.

        ``now`` is the manifest this build would write (its time fields aside): same format,
        model, settings, segmenter, package versions and skips; the same raw records in the same
        order (each taken over whole, which the caller checks). Every file is then checked, so an
        index damaged since is rebuilt rather than kept.
        """
        live = self.manifest
        if live is None or self.paths is None or raw_keys != self.raw_keys:
            return False
        if any(getattr(live, name) != getattr(now, name) for name in _SAME_IN_MANIFESTS):
            return False
        try:
            store.verify_checksums(self.paths, live)
        except IndexStoreError as exc:
            logger.info("the live index must be rebuilt: %s", exc)
            return False
        return True

    def tokens_for(self, dictionary_hash: str) -> dict[str, list[str]]:
        """Cached tokens by text key, when they were cut by the same segmenter."""
        return self.tokens if dictionary_hash == self.segmenter else {}


def load_previous(
    index_dir: Path, model: store.ModelInfo, *, code: str, with_vectors: bool
) -> Previous:
    """The reusable parts of the live generation at ``index_dir``, checked against its manifest."""
    try:
        paths = store.live_generation(index_dir)
        manifest = store.read_manifest(paths, any_format=True)
        names = [REPLIES, PASSAGES, VECTORS, REUSE]
        store.verify_checksums(paths, manifest, only=names)
        return _read(paths, manifest, model, code=code, with_vectors=with_vectors)
    except IndexStoreError as exc:
        logger.info("nothing reusable in %s (%s)", index_dir, exc)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("nothing reused from %s: %s: %s", index_dir, type(exc).__name__, exc)
    return Previous()


def _read(
    paths: store.IndexPaths,
    manifest: store.Manifest,
    model: store.ModelInfo,
    *,
    code: str,
    with_vectors: bool,
) -> Previous:
    chunk_lines = paths.file(PASSAGES).read_text(encoding="utf-8").splitlines()
    chunks = [Chunk.from_dict(json.loads(line)) for line in chunk_lines]
    previous = Previous(manifest=manifest, paths=paths)
    if with_vectors and manifest.model.same_vectors(model):
        vectors = np.load(paths.file(VECTORS), allow_pickle=False)
        previous.vectors = {text_key(c.text): v for c, v in zip(chunks, vectors, strict=True)}
    reuse_file = paths.file(REUSE)
    if not reuse_file.is_file():
        return previous
    saved = json.loads(reuse_file.read_text(encoding="utf-8"))
    if saved.get("version") != REUSE_VERSION or saved.get("code") != code:
        return previous
    previous.tokens = saved["tokens"]
    previous.segmenter = saved["segmenter"]
    previous.chunking = saved["chunking"]
    previous.raw_keys = saved["raw_keys"]
    previous.replies = _replies(paths, saved, chunks, chunk_lines)
    return previous


def _replies(
    paths: store.IndexPaths, saved: dict[str, Any], chunks: list[Chunk], chunk_lines: list[str]
) -> dict[str, Cached]:
    by_doc: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        by_doc.setdefault(chunk.doc_id, []).append(i)
    lines = paths.file(REPLIES).read_text(encoding="utf-8").splitlines()
    keys, parsed_ids = saved["raw_keys"], saved["parsed_ids"]
    if not len(lines) == len(keys) == len(parsed_ids):
        raise ValueError(f"{REUSE} does not match {REPLIES}")
    found: dict[str, Cached] = {}
    for line, key, parsed_id in zip(lines, keys, parsed_ids, strict=True):
        data = json.loads(line)
        data.pop("content_hash", None)
        stored_id = data["doc_id"]
        reply = Reply.from_dict({**data, "doc_id": parsed_id or stored_id})
        rows = by_doc.get(stored_id, [])
        found[key] = Cached(
            reply, stored_id, line, [chunks[i] for i in rows], [chunk_lines[i] for i in rows]
        )
    return found


def reuse_data(
    raw_keys: Sequence[str],
    parsed_ids: Sequence[str | None],
    tokens: dict[str, list[str]],
    *,
    code: str,
    segmenter: str,
    chunking: dict[str, Any],
) -> dict[str, Any]:
    """The ``reuse.json`` a build writes for the next one."""
    return {
        "version": REUSE_VERSION,
        "code": code,
        "segmenter": segmenter,
        "chunking": chunking,
        "raw_keys": list(raw_keys),
        "parsed_ids": list(parsed_ids),
        "tokens": tokens,
    }


def text_key(text: str) -> str:
    """Content hash of a passage's (or record's) text: the key of vectors and tokens."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()
