"""Milvus behind the two retrieval interfaces of :mod:`index.engine`.

Dense search is Milvus's ANN over the passages' FLOAT_VECTOR field; keyword search is
its BM25 function over a text field holding *our* segmenter's tokens, so both engines
score exactly the same terms (see :func:`encode_tokens`). Row ids are the passage (or
record) numbers the ranker uses, and its ``allowed`` arrays become filter expressions
applied before the top ``k`` is cut.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pymilvus.exceptions import MilvusException
from scipy import sparse

from index.layout import IndexStoreError

logger = logging.getLogger(__name__)

BM25_K1 = 1.5  # bm25s's defaults, so both engines give the same scores
BM25_B = 0.75
MAX_TOPK = 16_384  # Milvus's limit on one search's k
HNSW_EF_SEARCH = 128


class MilvusUnavailable(IndexStoreError):
    """The Milvus server (or milvus-lite file) cannot be reached, opened or searched."""


def engine_search(client: Any, collection: str, **request: Any) -> list[Any]:
    """``client.search``, an engine failure turned into :class:`MilvusUnavailable`.

    The app keeps what it loaded (replies, passages) but cannot rank without the engine:
    each search while the server is away fails with this message, and the next one after
    it is back succeeds (the client reconnects by itself).
    """
    try:
        return list(client.search(collection, **request))
    except MilvusException as exc:
        raise unavailable(exc) from exc


def unavailable(exc: MilvusException) -> MilvusUnavailable:
    """The error a user reads when the engine does not answer."""
    return MilvusUnavailable(
        f"检索引擎 Milvus 暂时无法使用，请稍后再试。/ The Milvus engine did not answer "
        f"({exc.message}); searches resume when it is back."
    )


def encode_tokens(tokens: Sequence[str]) -> str:
    """Our tokens as one text that Milvus's analyzer splits back into exactly these tokens.

    Both the embedded engine's ``standard`` analyzer (runs of word characters) and a
    server's ``whitespace`` one split on spaces; a character that is not a letter or digit
    (《》〔〕 in 文号 and titles, ``_`` itself) is written as ``_hex_`` so it cannot split
    a token. Our tokens are already lowercase, as the analyzer would make them.
    """
    return " ".join("".join(c if c.isalnum() else f"_{ord(c):x}_" for c in t) for t in tokens)


def decode_tokens(text: str) -> list[str]:
    """Inverse of :func:`encode_tokens`."""
    return [_ESCAPE.sub(lambda m: chr(int(m[1], 16)), t) for t in text.split()]


_ESCAPE = re.compile(r"_([0-9a-f]+)_")


class FieldFilter:
    """Turns an ``allowed`` row-id array into a Milvus filter expression.

    The ranker restricts passages to one side (reply or question) on every query: that
    is the scalar ``field`` column, so it becomes ``field == "reply"`` rather than a list
    of ids; any other restriction becomes ``id in [...]``.
    """

    def __init__(self, groups: Mapping[str, np.ndarray] | None = None) -> None:
        self.groups = {k: np.sort(v.astype(np.int64)) for k, v in (groups or {}).items()}

    def expression(self, allowed: np.ndarray | None) -> str:
        """The filter for ``allowed`` ('' for no restriction)."""
        if allowed is None:
            return ""
        ids = np.unique(allowed.astype(np.int64))
        for value, rows in self.groups.items():
            if len(rows) == len(ids) and np.array_equal(rows, ids):
                return f'field == "{value}"'
        return f"id in [{','.join(map(str, ids.tolist()))}]"


class MilvusDense:
    """Inner-product ANN over a Milvus collection's ``dense`` field."""

    def __init__(
        self, client: Any, collection: str, size: int, kind: str, where: FieldFilter
    ) -> None:
        self.client, self.collection, self.size = client, collection, size
        self.kind = kind  # "milvus_flat" | "milvus_hnsw", as recorded in the manifest
        self.where = where

    def __len__(self) -> int:
        return self.size

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` per query as ``(scores, ids)``; -1 pads rows with fewer hits."""
        k = min(k, self.size, MAX_TOPK)
        scores = np.zeros((len(queries), max(k, 0)), dtype=np.float32)
        ids = np.full((len(queries), max(k, 0)), -1, dtype=np.int64)
        if k <= 0 or (allowed is not None and not len(allowed)):
            return scores, ids
        params: dict[str, Any] = {"metric_type": "IP"}
        if self.kind == "milvus_hnsw":
            params["params"] = {"ef": max(HNSW_EF_SEARCH, k)}
        results = engine_search(
            self.client,
            self.collection,
            data=np.asarray(queries, dtype=np.float32).tolist(),
            anns_field="dense",
            limit=k,
            filter=self.where.expression(allowed),
            search_params=params,
            output_fields=["id"],
        )
        for row, hits in enumerate(results):
            for col, hit in enumerate(hits):
                ids[row, col], scores[row, col] = hit["id"], hit["distance"]
        return scores, ids

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of passages ``ids``, in that order."""
        wanted = [int(i) for i in ids]
        try:
            rows = self.client.get(self.collection, ids=wanted, output_fields=["dense"])
        except MilvusException as exc:
            raise unavailable(exc) from exc
        found = {int(r["id"]): r["dense"] for r in rows}
        return np.array([found[i] for i in wanted], dtype=np.float32).reshape(len(wanted), -1)

    def save(self, path: Path) -> None:
        """Nothing to write: the vectors live in the engine."""
        raise NotImplementedError("a Milvus index is written by index.milvus_store")


class MilvusKeyword:
    """BM25 through Milvus's BM25 function over the ``tokens`` field."""

    def __init__(
        self,
        client: Any,
        collection: str,
        size: int,
        frequencies: Mapping[str, int],
        where: FieldFilter,
    ) -> None:
        self.client, self.collection, self.size = client, collection, size
        self.frequencies = frequencies  # passages per term, counted at build time
        self.where = where
        # Milvus keeps no document × term matrix to hand out: open_milvus sets it from the
        # stored tokens (see term_presence).
        self.presence: tuple[sparse.csr_matrix, list[str]] | None = None

    def __len__(self) -> int:
        return self.size

    def document_frequency(self, term: str) -> int:
        """How many documents contain ``term`` (Milvus does not expose it: kept from the build)."""
        return self.frequencies.get(term, 0)

    def term_presence(self) -> tuple[sparse.csr_matrix, list[str]]:
        """Document × term presence, from the tokens stored beside the passages."""
        if self.presence is None:
            raise ValueError(f"{self.collection}: no term matrix was loaded for this index")
        return self.presence

    def search(
        self, tokens: Sequence[str], k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` documents for one tokenised query as ``(scores, ids)``, zeros dropped."""
        known = [t for t in tokens if t in self.frequencies]
        k = min(k, self.size, MAX_TOPK)
        empty = np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        if not known or k <= 0 or (allowed is not None and not len(allowed)):
            return empty
        hits = engine_search(
            self.client,
            self.collection,
            data=[encode_tokens(known)],
            anns_field="sparse",
            limit=k,
            filter=self.where.expression(allowed),
            search_params={"metric_type": "BM25"},
            output_fields=["id"],
        )[0]
        # milvus-lite reports BM25 as a negated distance, a server as a positive score;
        # Milvus multiplies by (k1 + 1), bm25s does not: divide to get bm25s's numbers.
        scores = np.array([abs(h["distance"]) / (BM25_K1 + 1) for h in hits], dtype=np.float32)
        ids = np.array([h["id"] for h in hits], dtype=np.int64)
        keep = scores > 0
        return scores[keep], ids[keep]

    def save(self, path: Path) -> None:
        """Nothing to write: the index lives in the engine."""
        raise NotImplementedError("a Milvus index is written by index.milvus_store")
