"""The build pipeline: corpus → replies → passages → vectors + BM25 → a new generation.

Incremental by content: a passage whose embedded text (and model) is unchanged reuses
its vector from the live index, or from the partial work a killed build left behind; a
raw record that is unchanged reuses its parsed reply, passages and tokens (:mod:`index.reuse`).
Each stage is timed, so the summary says where the time went.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.build_input import (
    Parsed,
    SkippedInput,
    check_skips,
    load_replies,
    parse_records,
    read_records,
)
from index.build_report import BuildReport, Stopwatch
from index.build_steps import Tokens, chunk_all, chunking
from index.dedup import near_duplicate_groups
from index.dense import FLAT_BELOW, FaissDense
from index.embed import DEFAULT_MODEL, Embedder, load_embedder
from index.keyword import Bm25Keyword
from index.partial import PartialVectors
from index.record_terms import record_tokens
from index.reply import Chunk, Skipped
from index.reuse import Previous, code_fingerprint, load_previous, reuse_data, text_key
from index.segment import Segmenter, harvest_terms
from index.upgrade import outdated_index
from index.versions import package_versions

__all__ = [
    "BuildOptions",
    "BuildReport",
    "SkippedInput",
    "build_index",
    "ensure_index",
    "load_replies",
    "text_key",
]

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
    strict: bool = False  # any skipped file or row fails the build (the live index stays)


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

    The live index is replaced only once the new one is complete; a failure at any point
    leaves it as it was. Files and rows that cannot be read are skipped and listed (report
    and manifest); with ``options.strict`` any skip fails the build before anything is
    written (:class:`SkippedInput`), as does a corpus with nothing readable in it.
    """
    opts = options or BuildOptions()
    started, clock = time.perf_counter(), Stopwatch()
    model = store.ModelInfo(
        embedder.name, embedder.fingerprint, embedder.dimension, embedder.precision
    )
    code = code_fingerprint()
    with clock("read"):
        raws, skipped = read_records(corpus, column_map=opts.column_map, progress=progress)
    with clock("reuse"):
        previous = load_previous(index_dir, model, code=code, with_vectors=not opts.fresh)
    with clock("parse"):
        parsed = parse_records(raws, previous, code)
    skipped += parsed.skipped
    check_skips(corpus, parsed.replies, skipped, strict=opts.strict)
    with clock("chunk"):
        chunks, reply_lines, chunk_lines = chunk_all(
            parsed, previous, max_chars=opts.max_chars, overlap=opts.overlap
        )
    factory = segmenter_factory or _default_segmenter
    if not opts.fresh and _unchanged(parsed, previous, chunks, skipped, model, opts, factory):
        return _kept(index_dir, parsed, chunks, skipped, previous, clock, started)
    with clock("embed"):
        vectors, embedded = embed_passages(
            chunks, index_dir, embedder, model, opts, progress, known=previous.vectors
        )
    with clock("segment"):
        segmenter = factory(harvest_terms(parsed.replies))
        cut = Tokens(segmenter, previous.tokens_for(segmenter.dictionary_hash))
        tokens = ([cut(c.text) for c in chunks], [record_tokens(r, cut) for r in parsed.replies])
    with clock("keyword"):
        keyword = (Bm25Keyword.build(tokens[0]), Bm25Keyword.build(tokens[1]))
    with clock("dedup"):
        duplicates = near_duplicate_groups(parsed.replies, chunks, vectors)
    reuse = reuse_data(
        parsed.raw_keys,
        parsed.parsed_ids,
        cut.used,
        code=code,
        segmenter=segmenter.dictionary_hash,
        chunking=_chunking(opts),
    )
    payload = store.Payload(
        parsed.replies, chunks, vectors, list(segmenter.extra_terms), skipped, duplicates,
        reply_lines=reply_lines, chunk_lines=chunk_lines, reuse=reuse,
    )  # fmt: skip
    with clock("write"):
        kind = _commit(index_dir, payload, model, segmenter, opts, started, keyword)
    return BuildReport(
        index_dir=str(index_dir), replies=len(parsed.replies), passages=len(chunks),
        embedded=embedded, reused=len({c.text for c in chunks}) - embedded,
        skipped=tuple(skipped), seconds=time.perf_counter() - started,
        embed_seconds=clock.seconds["embed"], dense_index=kind, model=embedder.name,
        precision=embedder.precision, stages=dict(clock.seconds), parsed=parsed.fresh,
    )  # fmt: skip


def ensure_index(
    index_dir: Path,
    corpus: Sequence[Path],
    *,
    model: str | None = None,
    progress: bool = True,
) -> BuildReport | None:
    """Build ``index_dir`` from ``corpus`` when it holds no index; ``None`` when it does.

    What ``ui.py`` runs on first start: the same build as ``python -m index build``. An index
    of an older format is rebuilt too (reusing its vectors) when ``corpus`` still holds every
    file it was built from (:func:`index.upgrade.outdated_index`), with the model that built
    it unless ``model`` names another; otherwise opening it later says how to rebuild it.
    """
    if store.has_index(index_dir):
        outdated = outdated_index(index_dir, corpus)
        if outdated is None:
            return None
        logger.warning(
            "the index at %s is in format %d, written by an older version of 先例: rebuilding "
            "it from %s (its vectors are reused)",
            index_dir, outdated.format_version, ", ".join(map(str, corpus)),
        )  # fmt: skip
        model = model or outdated.model_spec
    else:
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
    keyword: tuple[Bm25Keyword, Bm25Keyword],
) -> str:
    """Write a new generation and make it live; on any failure remove it and re-raise."""
    paths = store.new_generation(index_dir)
    try:
        dense = FaissDense.build(payload.vectors, threshold=opts.dense_threshold)
        store.write_payload(paths, payload, dense, *keyword)
        manifest = build_manifest(model, segmenter, dense.kind, payload, opts, started)
        store.commit_generation(index_dir, paths, manifest)
    except BaseException:
        store.discard_generation(paths)
        raise
    PartialVectors(index_dir, model.fingerprint).clear()
    return dense.kind


def _unchanged(
    parsed: Parsed,
    previous: Previous,
    chunks: list[Chunk],
    skipped: list[Skipped],
    model: store.ModelInfo,
    opts: BuildOptions,
    factory: Callable[[list[str]], Segmenter],
) -> bool:
    """True when the live generation already is what this build would write.

    Every reply must be taken over whole (its stored line under the same doc id), which the
    chunk step decides; only then is the manifest this build would write compared.
    """
    if previous.manifest is None or previous.chunking != _chunking(opts):
        return False
    if any(
        hit is None or hit.stored_id != r.doc_id
        for r, hit in zip(parsed.replies, parsed.cached, strict=True)
    ):
        return False
    segmenter = factory(harvest_terms(parsed.replies))
    payload = store.Payload(parsed.replies, chunks, np.zeros((0, 0)), [], skipped, [])
    now = build_manifest(model, segmenter, previous.manifest.dense_index, payload, opts, 0.0)
    return previous.unchanged(now, parsed.raw_keys)


def _kept(
    index_dir: Path,
    parsed: Parsed,
    chunks: list[Chunk],
    skipped: list[Skipped],
    previous: Previous,
    clock: Stopwatch,
    started: float,
) -> BuildReport:
    """The report of a build that found the live index up to date and wrote nothing."""
    assert previous.manifest is not None  # checked by _unchanged
    logger.info("%s is up to date: nothing written", index_dir)
    return BuildReport(
        index_dir=str(index_dir), replies=len(parsed.replies), passages=len(chunks),
        embedded=0, reused=len({c.text for c in chunks}), skipped=tuple(skipped),
        seconds=time.perf_counter() - started, embed_seconds=0.0,
        dense_index=previous.manifest.dense_index, model=previous.manifest.model.name,
        precision=previous.manifest.model.precision, stages=dict(clock.seconds), parsed=0,
        up_to_date=True,
    )  # fmt: skip


def _chunking(opts: BuildOptions) -> dict[str, Any]:
    return chunking(opts.max_chars, opts.overlap)


def embed_passages(
    chunks: list[Chunk],
    index_dir: Path,
    embedder: Embedder,
    model: store.ModelInfo,
    opts: BuildOptions,
    progress: bool,
    *,
    known: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for every chunk, embedding only texts no earlier build has embedded.

    ``known`` holds the live index's vectors by text key (see :func:`index.reuse.load_previous`).
    """
    vectors = {} if opts.fresh else dict(known or {})
    partial = PartialVectors(index_dir, model.fingerprint)
    vectors.update(partial.load())
    keys = [text_key(c.text) for c in chunks]
    todo = sorted(
        {k: c.text for k, c in zip(keys, chunks, strict=True) if k not in vectors}.items(),
        key=lambda kv: len(kv[1]),
    )
    reused = sum(1 for k in dict.fromkeys(keys) if k in vectors)
    logger.info("%d passages: %d to embed, %d reused", len(chunks), len(todo), reused)
    vectors.update(partial.embed(todo, embedder, batch_size=opts.batch_size, progress=progress))
    if not chunks:
        return np.zeros((0, embedder.dimension), dtype=np.float32), 0
    return np.stack([vectors[k] for k in keys]).astype(np.float32), len(todo)


def build_manifest(
    model: store.ModelInfo,
    segmenter: Segmenter,
    kind: str,
    payload: store.Payload,
    opts: BuildOptions,
    started: float,
) -> store.Manifest:
    """The manifest of a generation built from ``payload`` (either engine writes it)."""
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
        skipped=[asdict(item) for item in skipped],
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
