"""The three collections of one Milvus generation, and the analyzer both engines share.

A generation ``xianli_g<stamp>`` is three collections: ``…_passages`` (one row per
passage: dense vector, BM25 over our tokens, field, doc id, record row, content hash and
the passage as JSON), ``…_records`` (one row per reply: the reply as JSON, its scalar
filter fields and record-level BM25) and ``…_meta`` (the manifest, terms, duplicate
groups, skipped files and term frequencies as JSON, cut into parts). The alias
``xianli`` names the live ``…_meta``; its manifest names the other two, so switching that
one alias switches the whole generation at once.
"""

from __future__ import annotations

from typing import Any

from pymilvus import DataType, Function, FunctionType, MilvusClient

from index.milvus_engine import BM25_B, BM25_K1

ALIAS = "xianli"
PREFIX = "xianli_g"
MAX_VARCHAR = 65_535  # bytes: Milvus's longest VARCHAR
SCALAR_BYTES = 256  # kind, issuer, date, grade: filter columns
PART_CHARS = 16_000  # ≤ 4 bytes per character: one part always fits a VARCHAR
HNSW_THRESHOLD = 100_000  # passages: FLAT (exact) below, HNSW above, as Milvus advises
HNSW_PARAMS = {"M": 32, "efConstruction": 200}


def analyzer_params(server: bool) -> dict[str, Any]:
    """Split on spaces only: the text holds our segmenter's tokens (see encode_tokens).

    A server has a ``whitespace`` tokenizer; milvus-lite has only ``standard`` (runs of
    word characters) and ``jieba``, and ``standard`` splits our encoded tokens the same way.
    """
    return {"tokenizer": "whitespace" if server else "standard"}


def dense_index(size: int) -> tuple[str, dict[str, Any]]:
    """Milvus index type and build parameters for ``size`` passages."""
    return ("HNSW", dict(HNSW_PARAMS)) if size >= HNSW_THRESHOLD else ("FLAT", {})


def create_passages(client: MilvusClient, name: str, dim: int, size: int, server: bool) -> str:
    """Create the passage collection; returns the dense index kind for the manifest."""
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("record", DataType.INT64)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=1024)
    schema.add_field("field", DataType.VARCHAR, max_length=32)
    schema.add_field("text_key", DataType.VARCHAR, max_length=64)
    schema.add_field("chunk", DataType.VARCHAR, max_length=MAX_VARCHAR)
    _add_bm25(schema, server)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    index_type, params = dense_index(size)
    indexes = _bm25_index(client)
    indexes.add_index("dense", index_type=index_type, metric_type="IP", params=params)
    for scalar in ("field", "record"):
        indexes.add_index(scalar, index_type="INVERTED")
    _create(client, name, schema, indexes)
    return f"milvus_{index_type.lower()}"


def create_records(client: MilvusClient, name: str, server: bool) -> None:
    """Create the record collection: filters as scalar fields, the reply as JSON."""
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=1024)
    for scalar in ("kind", "issuer", "date", "grade"):
        schema.add_field(scalar, DataType.VARCHAR, max_length=SCALAR_BYTES)
    schema.add_field("content_hash", DataType.VARCHAR, max_length=64)
    schema.add_field("reply", DataType.VARCHAR, max_length=MAX_VARCHAR)  # "" when in meta
    _add_bm25(schema, server)
    indexes = _bm25_index(client)
    _create(client, name, schema, indexes)


def create_meta(client: MilvusClient, name: str) -> None:
    """Create the key/value collection (Milvus needs a vector field: a 2-d placeholder)."""
    schema = client.create_schema(auto_id=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=512)
    schema.add_field("data", DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
    indexes = client.prepare_index_params()
    indexes.add_index("vec", index_type="FLAT", metric_type="L2")
    _create(client, name, schema, indexes)


def _create(client: MilvusClient, name: str, schema: Any, indexes: Any) -> None:
    """Create, index and load a collection; loading waits for the indexes, so the
    client's own wait (a fixed half-second poll per index) is skipped."""
    client.create_collection(name, schema=schema)
    client.create_index(name, indexes, sync=False)
    client.load_collection(name)


def _add_bm25(schema: Any, server: bool) -> None:
    schema.add_field(
        "tokens",
        DataType.VARCHAR,
        max_length=MAX_VARCHAR,
        enable_analyzer=True,
        analyzer_params=analyzer_params(server),
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25",
            function_type=FunctionType.BM25,
            input_field_names=["tokens"],
            output_field_names=["sparse"],
        )
    )


def _bm25_index(client: MilvusClient) -> Any:
    indexes = client.prepare_index_params()
    indexes.add_index(
        "sparse",
        index_type="SPARSE_INVERTED_INDEX",
        metric_type="BM25",
        params={"bm25_k1": BM25_K1, "bm25_b": BM25_B},
    )
    return indexes
