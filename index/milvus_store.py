"""A generation in Milvus: written whole, switched live by one alias, opened as a LoadedIndex.

Like the local store, a build writes a complete new generation beside the live one and
only then moves the ``xianli`` alias to it: a build killed halfway leaves the previous
generation answering (its leftovers are dropped by the next build). Every app server
opens the live generation from the address alone: replies, passages, terms, duplicate
groups and the manifest all live in the engine.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException
from scipy import sparse

from index import milvus_rows
from index import milvus_schema as ms
from index.keyword import Bm25Keyword
from index.milvus_engine import (
    FieldFilter,
    MilvusDense,
    MilvusKeyword,
    MilvusUnavailable,
    decode_tokens,
)
from index.reply import Chunk, Reply, Skipped
from index.store import IndexNotFound, LoadedIndex, Manifest, Payload
from index.store_spec import StoreSpec, connection_args

logger = logging.getLogger(__name__)
BATCH = 2_000  # rows per insert or query


@dataclass(frozen=True)
class Tokens:
    """Our segmenter's tokens for each passage and each record, in row order."""

    passages: list[list[str]]
    records: list[list[str]]


def connect(spec: StoreSpec) -> MilvusClient:
    """A client for ``spec``, or :class:`MilvusUnavailable` saying what to check."""
    try:
        return MilvusClient(**connection_args(spec), timeout=10)
    except (MilvusException, OSError) as exc:
        if spec.kind == "milvus-lite":
            raise MilvusUnavailable(
                f"无法打开 {spec.location}：{exc}。/ Cannot open the milvus-lite store "
                f"{spec.location}: a milvus-lite file opens in one process at a time, so stop "
                "the other app or build that has it open (or serve it with a Milvus server)."
            ) from exc
        raise MilvusUnavailable(
            f"无法连接 Milvus（{spec.describe()}）：{exc}。/ Cannot reach Milvus at "
            f"{spec.describe()}: check that the server runs and that XIANLI_MILVUS_USER, "
            "XIANLI_MILVUS_PASSWORD (or XIANLI_MILVUS_TOKEN) and XIANLI_MILVUS_TLS are right; "
            "or serve the last local index with --store local."
        ) from exc


def write_generation(
    client: MilvusClient, spec: StoreSpec, payload: Payload, tokens: Tokens, manifest: Manifest
) -> Manifest:
    """Write a whole generation, move the alias to it, drop stale ones; returns its manifest."""
    gen = f"{ms.PREFIX}{time.strftime('%Y%m%dT%H%M%S')}_{time.monotonic_ns() % 10**6}"
    server = spec.kind == "milvus-server"
    names = {part: f"{gen}_{part}" for part in ("passages", "records", "meta")}
    kind = ms.create_passages(
        client, names["passages"], payload.vectors.shape[1], len(payload.chunks), server
    )
    ms.create_records(client, names["records"], server)
    ms.create_meta(client, names["meta"])
    index_type, params = ms.dense_index(len(payload.chunks))
    settings = {**manifest.settings, "store": spec.describe(), "collections": names}
    settings["milvus_index"] = {"type": index_type, "params": params, "metric": "IP"}
    sealed = Manifest.from_dict({**manifest.to_dict(), "dense_index": kind, "settings": settings})
    _insert(client, names["passages"], milvus_rows.passage_rows(payload, tokens.passages))
    _insert(client, names["records"], milvus_rows.record_rows(payload.replies, tokens.records))
    overflow = {
        f"reply/{i}": r.to_dict() for i, r in enumerate(payload.replies) if milvus_rows.too_long(r)
    }
    blobs = {
        "terms": payload.terms,
        "duplicates": payload.duplicates,
        "skipped": [asdict(s) for s in payload.skipped],
        "df/passages": milvus_rows.frequencies(tokens.passages),
        "df/records": milvus_rows.frequencies(tokens.records),
        **overflow,
        "manifest": sealed.to_dict(),  # last: a generation without it is incomplete
    }
    for key, value in blobs.items():
        _insert(client, names["meta"], milvus_rows.parts(key, value))
    for name in names.values():
        # Sealed segments: milvus-lite scores BM25 over a filtered *unflushed* buffer with
        # the filtered rows' own statistics; flushed, every row counts (as on a server).
        client.flush(name)
    previous = _live_meta(client)
    switch_alias(client, names["meta"])
    drop_stale(client, keep={gen, *([previous.rsplit("_", 1)[0]] if previous else [])})
    return sealed


def switch_alias(client: MilvusClient, meta: str) -> None:
    """Point ``xianli`` at ``meta`` (one atomic step on the engine's side)."""
    if ms.ALIAS not in client.list_aliases().get("aliases", []):
        client.create_alias(meta, ms.ALIAS)
    else:
        client.alter_alias(meta, ms.ALIAS)


def drop_stale(client: MilvusClient, *, keep: set[str]) -> None:
    """Drop every generation but ``keep`` (the new one and the one app servers may still read);
    that includes the leftovers of killed builds."""
    for name in client.list_collections():
        if name.startswith(ms.PREFIX) and name.rsplit("_", 1)[0] not in keep:
            client.drop_collection(name)
            logger.debug("dropped stale collection %s", name)


def open_milvus(spec: StoreSpec) -> LoadedIndex:
    """Open the live generation at ``spec`` as a :class:`LoadedIndex`."""
    client = connect(spec)
    meta = _live_meta(client)
    if meta is None:
        raise IndexNotFound(
            f"{spec.describe()} 中没有索引。/ No index in {spec.describe()}. Build one with: "
            f"python -m index build --corpus CORPUS --store {spec.describe()}"
        )
    manifest = Manifest.from_dict(read_blob(client, meta, "manifest"))
    names = _loaded(client, manifest)
    rows = list(scan(client, names["passages"], ["chunk", "dense", "tokens"]))
    chunks = [Chunk.from_dict(json.loads(r["chunk"])) for r in rows]
    # LoadedIndex carries the vectors too (topics, near-duplicates read them in memory).
    vectors = np.array([r["dense"] for r in rows], dtype=np.float32).reshape(
        len(rows), manifest.model.dimension
    )
    replies = _read_replies(client, names["records"], meta)
    fields = np.array([c.field for c in chunks])
    where = FieldFilter({f: np.flatnonzero(fields == f) for f in set(fields.tolist())})
    keyword = _keyword(client, names["passages"], read_blob(client, meta, "df/passages"), where)
    keyword.presence = _term_presence(r["tokens"] for r in rows)
    record_keyword = _keyword(client, names["records"], read_blob(client, meta, "df/records"))
    return LoadedIndex(
        directory=Path(spec.describe()),
        manifest=manifest,
        replies=replies,
        chunks=chunks,
        vectors=vectors,
        dense=MilvusDense(client, names["passages"], len(chunks), manifest.dense_index, where),
        keyword=keyword,
        record_keyword=record_keyword,
        terms=list(read_blob(client, meta, "terms")),
        duplicates=[list(map(str, g)) for g in read_blob(client, meta, "duplicates")],
        skipped=[Skipped(**d) for d in read_blob(client, meta, "skipped")],
    )


def _keyword(
    client: MilvusClient,
    collection: str,
    frequencies: dict[str, int],
    where: FieldFilter | None = None,
) -> MilvusKeyword:
    size = int(client.get_collection_stats(collection)["row_count"])
    return MilvusKeyword(client, collection, size, frequencies, where or FieldFilter())


def _term_presence(texts: Iterable[str]) -> tuple[sparse.csr_matrix, list[str]]:
    """The passage × term presence matrix of the stored tokens (searches still go to Milvus)."""
    return Bm25Keyword.build([decode_tokens(t) for t in texts]).term_presence()


def live_vectors(client: MilvusClient) -> tuple[Manifest, dict[str, np.ndarray]] | None:
    """The live generation's manifest and vectors by content hash (what a re-build reuses)."""
    meta = _live_meta(client)
    if meta is None:
        return None
    manifest = Manifest.from_dict(read_blob(client, meta, "manifest"))
    rows = scan(client, _loaded(client, manifest)["passages"], ["text_key", "dense"])
    return manifest, {r["text_key"]: np.asarray(r["dense"], dtype=np.float32) for r in rows}


def scan(client: MilvusClient, collection: str, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Every row in id order, read in id ranges (row ids are 0…n-1)."""
    total = int(client.get_collection_stats(collection)["row_count"])
    for start in range(0, total, BATCH):
        rows = client.query(
            collection,
            filter=f"id >= {start} and id < {start + BATCH}",
            output_fields=["id", *fields],
            limit=BATCH,
        )
        yield from sorted(rows, key=lambda r: int(r["id"]))


def read_blob(client: MilvusClient, meta: str, key: str) -> Any:
    """A JSON value written by :func:`write_generation` (reassembled from its parts)."""
    rows = client.query(meta, filter=f'key like "{key}#%"', output_fields=["key", "data"])
    if not rows:
        raise IndexNotFound(f"{meta} has no '{key}': the generation is incomplete; rebuild it.")
    return json.loads("".join(r["data"] for r in sorted(rows, key=lambda r: r["key"])))


def _live_meta(client: MilvusClient) -> str | None:
    """The live generation's meta collection, loaded (a reopened file starts released)."""
    if ms.ALIAS not in client.list_aliases().get("aliases", []):
        return None
    meta = str(client.describe_alias(ms.ALIAS)["collection_name"])
    client.load_collection(meta)
    return meta


def _loaded(client: MilvusClient, manifest: Manifest) -> dict[str, str]:
    """The generation's passage and record collections, loaded for search."""
    names: dict[str, str] = manifest.settings["collections"]
    for part in ("passages", "records"):
        client.load_collection(names[part])
    return names


def _read_replies(client: MilvusClient, records: str, meta: str) -> list[Reply]:
    replies = []
    for row in scan(client, records, ["reply"]):
        data = (
            json.loads(row["reply"])
            if row["reply"]
            else read_blob(client, meta, f"reply/{row['id']}")
        )
        replies.append(Reply.from_dict(data))
    return replies


def _insert(client: MilvusClient, collection: str, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            client.insert(collection, batch)
            batch = []
    if batch:
        client.insert(collection, batch)
