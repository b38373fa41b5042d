"""The rows of a Milvus generation: passages, records and the meta collection's parts.

Each value is shaped to fit the schema of :mod:`index.milvus_schema` (VARCHAR limits in
bytes); what must be cut is only ever an index column, never the JSON a hit is rendered from.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import numpy as np

from index import milvus_schema as ms
from index.milvus_engine import encode_tokens
from index.reply import Reply
from index.store import Payload

logger = logging.getLogger(__name__)


def passage_rows(payload: Payload, tokens: list[list[str]]) -> Iterator[dict[str, Any]]:
    """One row per passage, in passage order (row id = passage number)."""
    from index.build import text_key  # the build's content hash, so vectors carry over

    record_row = {r.doc_id: i for i, r in enumerate(payload.replies)}
    for i, chunk in enumerate(payload.chunks):
        yield {
            "id": i,
            "record": record_row[chunk.doc_id],
            "doc_id": chunk.doc_id,
            "field": chunk.field,
            "text_key": text_key(chunk.text),
            "chunk": json.dumps(asdict(chunk), ensure_ascii=False),
            "tokens": fit(encode_tokens(tokens[i] or ["∅"])),
            "dense": payload.vectors[i].astype(np.float32).tolist(),
        }


def record_rows(replies: list[Reply], tokens: list[list[str]]) -> Iterator[dict[str, Any]]:
    """One row per reply; a reply too long for a VARCHAR goes to the meta collection."""
    for i, reply in enumerate(replies):
        text = "" if too_long(reply) else json.dumps(reply.to_dict(), ensure_ascii=False)
        yield {
            "id": i,
            "doc_id": reply.doc_id,
            # filter columns only (the reply's JSON holds the real values): cut to fit
            "kind": short(reply.kind),
            "issuer": short(reply.issuer),
            "date": short(reply.date),
            "grade": short(reply.result_grade),
            "content_hash": reply.content_hash,
            "reply": text,
            "tokens": fit(encode_tokens(tokens[i] or ["∅"])),
        }


def short(value: str | None) -> str:
    """A scalar filter value cut to the schema's 256 bytes at a character boundary."""
    return (value or "").encode("utf-8")[: ms.SCALAR_BYTES].decode("utf-8", errors="ignore")


def too_long(reply: Reply) -> bool:
    """True when the reply's JSON does not fit a VARCHAR (it is stored in parts instead)."""
    return len(json.dumps(reply.to_dict(), ensure_ascii=False).encode()) > ms.MAX_VARCHAR


def fit(text: str) -> str:
    """Cut a token text at a space so it fits a VARCHAR (only very long records need it)."""
    data = text.encode("utf-8")
    if len(data) <= ms.MAX_VARCHAR:
        return text
    logger.warning("record tokens cut from %d to %d bytes for Milvus", len(data), ms.MAX_VARCHAR)
    return data[: ms.MAX_VARCHAR].decode("utf-8", errors="ignore").rsplit(" ", 1)[0]


def frequencies(token_lists: list[list[str]]) -> dict[str, int]:
    """Documents per term (Milvus does not report it; the ranker's idf needs it)."""
    counts: Counter[str] = Counter()
    for tokens in token_lists:
        counts.update(set(tokens or ["∅"]))
    return dict(counts)


def parts(key: str, value: Any) -> Iterator[dict[str, Any]]:
    """A JSON value cut into meta rows ``key#000000``, ``key#000001``, … that each fit."""
    text = json.dumps(value, ensure_ascii=False)
    for n, start in enumerate(range(0, max(len(text), 1), ms.PART_CHARS)):
        yield {
            "key": f"{key}#{n:06d}",
            "data": text[start : start + ms.PART_CHARS],
            "vec": [0.0, 0.0],
        }
