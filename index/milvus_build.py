"""``python -m index build --store milvus:…``: the same build, written into Milvus.

Reading, chunking, embedding and near-duplicate grouping are the local build's own
(:mod:`index.build`); only the destination differs. A passage whose text (and model) the
live Milvus generation already holds reuses its vector by content hash, so a nightly
re-build embeds only what changed; removed records are simply absent from the new
generation. ``--from-index DIR`` copies a local index into Milvus without embedding.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from pymilvus import MilvusClient

from index import milvus_store, store
from index.build import (
    BuildOptions,
    BuildReport,
    build_manifest,
    load_replies,
    text_key,
)
from index.chunk import chunk_reply
from index.dedup import near_duplicate_groups
from index.embed import Embedder
from index.partial import PartialVectors
from index.record_terms import record_tokens
from index.reply import Chunk
from index.segment import Segmenter, harvest_terms
from index.store_spec import StoreSpec

logger = logging.getLogger(__name__)


def build_milvus(
    corpus: Sequence[Path],
    spec: StoreSpec,
    *,
    embedder: Embedder,
    options: BuildOptions | None = None,
    progress: bool = False,
) -> BuildReport:
    """Build the index from ``corpus`` into the Milvus store ``spec``; the alias moves last."""
    opts = options or BuildOptions()
    started = time.perf_counter()
    replies, skipped = load_replies(corpus, column_map=opts.column_map, progress=progress)
    if not replies:
        raise ValueError(f"No readable replies under {', '.join(map(str, corpus))}.")
    chunks = [
        c for r in replies for c in chunk_reply(r, max_chars=opts.max_chars, overlap=opts.overlap)
    ]
    model = store.ModelInfo(
        embedder.name, embedder.fingerprint, embedder.dimension, embedder.precision
    )
    client = milvus_store.connect(spec)
    known = {} if opts.fresh else _reusable(client, model)
    embed_started = time.perf_counter()
    vectors, embedded = _embed(chunks, known, spec, embedder, model, opts, progress)
    embed_seconds = time.perf_counter() - embed_started
    segmenter = Segmenter(extra_terms=harvest_terms(replies))
    payload = store.Payload(
        replies,
        chunks,
        vectors,
        list(segmenter.extra_terms),
        skipped,
        near_duplicate_groups(replies, chunks, vectors),
    )
    manifest = build_manifest(model, segmenter, "", payload, opts, started)
    sealed = milvus_store.write_generation(
        client, spec, payload, tokenize(payload, segmenter), manifest
    )
    PartialVectors(work_dir(spec), model.fingerprint).clear()
    return BuildReport(
        index_dir=spec.describe(), replies=len(replies), passages=len(chunks),
        embedded=embedded, reused=len({c.text for c in chunks}) - embedded,
        skipped=tuple(skipped), seconds=time.perf_counter() - started,
        embed_seconds=embed_seconds, dense_index=sealed.dense_index,
        model=embedder.name, precision=embedder.precision,
    )  # fmt: skip


def import_index(index_dir: Path, spec: StoreSpec) -> BuildReport:
    """Copy the live local index at ``index_dir`` into Milvus (no embedding)."""
    started = time.perf_counter()
    local = store.open_index(index_dir)
    payload = store.Payload(
        local.replies, local.chunks, local.vectors, local.terms, local.skipped, local.duplicates
    )
    segmenter = Segmenter(extra_terms=local.terms)
    if segmenter.dictionary_hash != local.manifest.dictionary_hash:
        raise store.IndexMismatch(
            f"{index_dir} was segmented with another dictionary; rebuild it before importing."
        )
    manifest = replace(local.manifest, checksums={})
    client = milvus_store.connect(spec)
    sealed = milvus_store.write_generation(
        client, spec, payload, tokenize(payload, segmenter), manifest
    )
    return BuildReport(
        index_dir=spec.describe(), replies=len(local.replies), passages=len(local.chunks),
        embedded=0, reused=len({c.text for c in local.chunks}), skipped=tuple(local.skipped),
        seconds=time.perf_counter() - started, embed_seconds=0.0,
        dense_index=sealed.dense_index, model=local.manifest.model.name,
        precision=local.manifest.model.precision,
    )  # fmt: skip


def tokenize(payload: store.Payload, segmenter: Segmenter) -> milvus_store.Tokens:
    """The keyword tokens of every passage and record, exactly as the local build makes them."""
    return milvus_store.Tokens(
        passages=[segmenter.tokenize(c.text) for c in payload.chunks],
        records=[record_tokens(r, segmenter.tokenize) for r in payload.replies],
    )


def work_dir(spec: StoreSpec) -> Path:
    """Where a killed build's vectors wait to be resumed (beside a lite file, or in ~/.cache)."""
    if spec.kind == "milvus-lite":
        return Path(spec.location + ".work")
    return Path.home() / ".cache" / "xianli" / "milvus" / spec.location.replace(":", "_")


def _reusable(client: MilvusClient, model: store.ModelInfo) -> dict[str, np.ndarray]:
    live = milvus_store.live_vectors(client)
    if live is None:
        return {}
    manifest, vectors = live
    if not manifest.model.same_vectors(model):
        logger.info("live Milvus generation was built by another model: embedding everything")
        return {}
    return vectors


def _embed(
    chunks: list[Chunk],
    known: dict[str, np.ndarray],
    spec: StoreSpec,
    embedder: Embedder,
    model: store.ModelInfo,
    opts: BuildOptions,
    progress: bool,
) -> tuple[np.ndarray, int]:
    partial = PartialVectors(work_dir(spec), model.fingerprint)
    known.update(partial.load())
    keys = [text_key(c.text) for c in chunks]
    todo = sorted(
        {k: c.text for k, c in zip(keys, chunks, strict=True) if k not in known}.items(),
        key=lambda kv: len(kv[1]),
    )
    logger.info("%d passages: %d to embed", len(chunks), len(todo))
    known.update(partial.embed(todo, embedder, batch_size=opts.batch_size, progress=progress))
    if not chunks:
        return np.zeros((0, embedder.dimension), dtype=np.float32), 0
    return np.stack([known[k] for k in keys]).astype(np.float32), len(todo)
