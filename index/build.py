"""The build pipeline: corpus → replies → passages → vectors + BM25 → a new generation.

Incremental by content: a passage whose embedded text (and model) is unchanged reuses
its vector from the live index, or from the partial work a killed build left behind.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index import store
from index.chunk import chunk_reply
from index.dedup import near_duplicate_groups
from index.dense import FLAT_BELOW, FaissDense
from index.embed import DEFAULT_MODEL, Embedder, load_embedder
from index.keyword import Bm25Keyword
from index.parse import parse_record
from index.partial import PartialVectors
from index.read import read_corpus
from index.reply import Chunk, RawRecord, Reply, Skipped
from index.segment import Segmenter, harvest_terms
from index.versions import package_versions

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    """Settings that shape the index; recorded in the manifest."""

    max_chars: int = 400
    overlap: int = 40
    batch_size: int = 16
    dense_threshold: int = FLAT_BELOW  # exact search below this many passages, IVF above
    column_map: Mapping[str, str] = field(default_factory=dict)
    model_spec: str = "default"  # what load_embedder was given; the searcher loads the same
    fresh: bool = False  # ignore the live index's vectors and embed everything again


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI summary and the benchmarks."""

    index_dir: str
    replies: int
    passages: int
    embedded: int  # distinct passage texts embedded by this build
    reused: int  # distinct passage texts whose vectors came from an earlier (or killed) build
    skipped: tuple[Skipped, ...]
    seconds: float
    embed_seconds: float
    dense_index: str
    model: str = ""
    precision: str = ""

    @property
    def passages_per_s(self) -> float:
        """Embedding throughput of this build (new passages per second spent embedding)."""
        return self.embedded / self.embed_seconds if self.embed_seconds > 0 else 0.0

    def describe(self) -> str:
        """The summary both ``python -m index build`` and ``python ui.py`` print."""
        lines = [
            f"index: {self.index_dir}  (model {self.model}, {self.precision}, {self.dense_index})",
            f"replies: {self.replies}  passages: {self.passages}  "
            f"embedded: {self.embedded}  reused: {self.reused}  "
            f"repeated: {self.passages - self.embedded - self.reused} (same text as another)",
            f"time: {self.seconds:.1f} s  (embedding {self.embed_seconds:.1f} s, "
            f"{self.passages_per_s:.1f} passages/s)",
        ]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines += [f"  {item.path}: {item.reason}" for item in self.skipped]
        return "\n".join(lines)


def build_index(
    corpus: Sequence[Path],
    index_dir: Path,
    *,
    embedder: Embedder,
    options: BuildOptions | None = None,
    segmenter_factory: Callable[[list[str]], Segmenter] | None = None,
    progress: bool = False,
) -> BuildReport:
    """Build (or update) the index at ``index_dir`` from the files under ``corpus``.

    The live index is replaced only once the new one is complete; a failure at any
    point leaves it as it was.
    """
    opts = options or BuildOptions()
    started = time.perf_counter()
    replies, skipped = load_replies(corpus, column_map=opts.column_map, progress=progress)
    if not replies:
        raise ValueError(
            f"No readable replies under {', '.join(map(str, corpus))} "
            f"({len(skipped)} skipped). See corpus/README.md for the accepted formats."
        )
    chunks = [
        c for r in replies for c in chunk_reply(r, max_chars=opts.max_chars, overlap=opts.overlap)
    ]
    model = store.ModelInfo(
        embedder.name, embedder.fingerprint, embedder.dimension, embedder.precision
    )
    embed_started = time.perf_counter()
    vectors, embedded = embed_passages(chunks, index_dir, embedder, model, opts, progress)
    embed_seconds = time.perf_counter() - embed_started
    segmenter = (segmenter_factory or _default_segmenter)(harvest_terms(replies))
    payload = store.Payload(
        replies=replies,
        chunks=chunks,
        vectors=vectors,
        terms=list(segmenter.extra_terms),
        skipped=skipped,
        duplicates=near_duplicate_groups(replies, chunks, vectors),
    )
    kind = _commit(index_dir, payload, model, segmenter, opts, started)
    return BuildReport(
        index_dir=str(index_dir),
        replies=len(replies),
        passages=len(chunks),
        embedded=embedded,
        reused=len({c.text for c in chunks}) - embedded,
        skipped=tuple(skipped),
        seconds=time.perf_counter() - started,
        embed_seconds=embed_seconds,
        dense_index=kind,
        model=embedder.name,
        precision=embedder.precision,
    )


def ensure_index(
    index_dir: Path,
    corpus: Sequence[Path],
    *,
    model: str | None = None,
    progress: bool = True,
) -> BuildReport | None:
    """Build ``index_dir`` from ``corpus`` when it holds no index; ``None`` when it does.

    What ``ui.py`` runs on first start: the same build as ``python -m index build``.
    """
    if store.has_index(index_dir):
        return None
    missing = [str(p) for p in corpus if not p.exists()]
    if missing:
        raise FileNotFoundError(
            f"No index at {index_dir}, and the corpus {', '.join(missing)} does not exist. "
            "Pass --corpus PATH or --index DIR."
        )
    logger.info("no index at %s: building it from %s", index_dir, ", ".join(map(str, corpus)))
    options = BuildOptions(model_spec=str(model) if model else DEFAULT_MODEL)
    return build_index(
        list(corpus), index_dir, embedder=load_embedder(model), options=options, progress=progress
    )


def _commit(
    index_dir: Path,
    payload: store.Payload,
    model: store.ModelInfo,
    segmenter: Segmenter,
    opts: BuildOptions,
    started: float,
) -> str:
    """Write a new generation and make it live; on any failure remove it and re-raise."""
    paths = store.new_generation(index_dir)
    try:
        dense = FaissDense.build(payload.vectors, threshold=opts.dense_threshold)
        keyword = Bm25Keyword.build([segmenter.tokenize(c.text) for c in payload.chunks])
        records = Bm25Keyword.build([segmenter.tokenize(record_text(r)) for r in payload.replies])
        store.write_payload(paths, payload, dense, keyword, records)
        manifest = _manifest(model, segmenter, dense.kind, payload, opts, started)
        store.commit_generation(index_dir, paths, manifest)
    except BaseException:
        store.discard_generation(paths)
        raise
    PartialVectors(index_dir, model.fingerprint).clear()
    return dense.kind


def load_replies(
    corpus: Sequence[Path], *, column_map: Mapping[str, str] | None = None, progress: bool = False
) -> tuple[list[Reply], list[Skipped]]:
    """Read and parse every record under ``corpus``; doc ids are made unique."""
    replies: list[Reply] = []
    skipped: list[Skipped] = []
    for item in read_corpus(list(corpus), column_map=column_map, progress=progress):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        try:
            replies.append(parse_record(item))
        except ValueError as exc:
            skipped.append(Skipped(_where(item), f"could not be parsed: {exc}"))
            logger.warning("skipped %s: could not be parsed: %s", _where(item), exc)
    return _unique_ids(replies), skipped


def embed_passages(
    chunks: list[Chunk],
    index_dir: Path,
    embedder: Embedder,
    model: store.ModelInfo,
    opts: BuildOptions,
    progress: bool,
) -> tuple[np.ndarray, int]:
    """Vectors for every chunk, embedding only texts no earlier build has embedded."""
    known = {} if opts.fresh else previous_vectors(index_dir, model)
    partial = PartialVectors(index_dir, model.fingerprint)
    known.update(partial.load())
    keys = [text_key(c.text) for c in chunks]
    todo = sorted(
        {k: c.text for k, c in zip(keys, chunks, strict=True) if k not in known}.items(),
        key=lambda kv: len(kv[1]),
    )
    reused = sum(1 for k in dict.fromkeys(keys) if k in known)
    logger.info("%d passages: %d to embed, %d reused", len(chunks), len(todo), reused)
    known.update(partial.embed(todo, embedder, batch_size=opts.batch_size, progress=progress))
    if not chunks:
        return np.zeros((0, embedder.dimension), dtype=np.float32), 0
    return np.stack([known[k] for k in keys]).astype(np.float32), len(todo)


def previous_vectors(index_dir: Path, model: store.ModelInfo) -> dict[str, np.ndarray]:
    """Vectors of the live index keyed by passage text, when it was built by this model."""
    try:
        live = store.open_index(index_dir)
    except store.IndexStoreError as exc:
        logger.info("no reusable vectors in %s (%s)", index_dir, exc)
        return {}
    if live.manifest.model != model:
        logger.info("live index was built by another model: embedding everything again")
        return {}
    return {text_key(c.text): v for c, v in zip(live.chunks, live.vectors, strict=True)}


def record_text(reply: Reply) -> str:
    """What the record-level BM25 reads: the title, what was asked, and the whole answer.

    Short topic queries often have their words spread over the message and the reply;
    a passage holds only part of them, the record all of them.
    """
    return "\n".join(
        x for x in (reply.proposal_title, reply.title, reply.question, reply.body) if x
    )


def text_key(text: str) -> str:
    """Content hash of a passage's embedded text."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _manifest(
    model: store.ModelInfo,
    segmenter: Segmenter,
    kind: str,
    payload: store.Payload,
    opts: BuildOptions,
    started: float,
) -> store.Manifest:
    replies, chunks, skipped = payload.replies, payload.chunks, payload.skipped
    kinds = Counter(r.kind for r in replies)
    fields = Counter(c.field for c in chunks)
    return store.Manifest(
        format_version=store.FORMAT_VERSION,
        model=model,
        dictionary_hash=segmenter.dictionary_hash,
        dense_index=kind,
        counts={
            "replies": len(replies),
            "passages": len(chunks),
            "skipped": len(skipped),
            **{f"kind.{k}": n for k, n in sorted(kinds.items())},
            **{f"field.{f}": n for f, n in sorted(fields.items())},
        },
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_seconds=round(time.perf_counter() - started, 3),
        versions=package_versions(),
        settings={
            "model_spec": opts.model_spec,
            "max_chars": opts.max_chars,
            "overlap": opts.overlap,
            "batch_size": opts.batch_size,
            "dense_threshold": opts.dense_threshold,
        },
    )


def _default_segmenter(terms: list[str]) -> Segmenter:
    return Segmenter(extra_terms=terms)


def _unique_ids(replies: list[Reply]) -> list[Reply]:
    """Two sources may use the same id (two tables numbered from 1): qualify the later ones."""
    seen: set[str] = set()
    unique: list[Reply] = []
    for reply in replies:
        if reply.doc_id in seen:
            new_id = f"{reply.source.path}#{reply.doc_id}"
            logger.warning("duplicate doc_id %s: renamed to %s", reply.doc_id, new_id)
            reply = replace(reply, doc_id=new_id)
        seen.add(reply.doc_id)
        unique.append(reply)
    return unique


def _where(item: RawRecord) -> str:
    row = f" row {item.source.row}" if item.source.row is not None else ""
    return f"{item.source.path}{row}"
