"""A plain baseline search, built from the same parts in an afternoon, to compare ours against.

An outside evaluator's recipe, followed as given (do not improve it):

- one record per row of 附件4: ``留言主题 + "\\n" + 留言详情 + "\\n" + 答复意见``;
- keyword side: jieba ``lcut_for_search`` minus the project's stopwords and punctuation,
  one bm25s document per record;
- dense side: the project's default embedder over fixed 400-character chunks (no overlap),
  FAISS ``IndexFlatIP``; a record ranks by its best chunk;
- hybrid: RRF (k=60, equal weights) over the top 100 records of each side.

    python -m bench.baseline --query "小区物业乱收停车费" [--query …] [--k 10] [--mode hybrid]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import jieba
import numpy as np
import openpyxl

from index.embed import Embedder, load_embedder

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
TIPDM4 = REPO.parent / "shared" / "corpus" / "tipdm2020" / "附件4.xlsx"
CACHE_DIR = REPO / "data" / "baseline"
STOPWORDS = REPO / "index" / "data" / "stopwords.txt"
CHUNK_CHARS = 400
RRF_K = 60
TOP_N = 100
MODES = ("hybrid", "keyword", "dense")
CACHE_META, CACHE_VECTORS = "chunks.json", "vectors.npy"
COLUMNS = ("留言编号", "留言主题", "留言详情", "答复意见")


def read_fujian4(path: Path) -> list[tuple[str, str]]:
    """(留言编号, 留言主题 + "\\n" + 留言详情 + "\\n" + 答复意见) for each row of 附件4."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(v or "").strip() for v in next(rows)]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ValueError(f"{path} lacks the columns {missing}; expected an 附件4-style table.")
        at = [header.index(c) for c in COLUMNS]
        records = []
        for row in rows:
            doc_id, *fields = (_cell(row, i) for i in at)
            if doc_id:
                records.append((doc_id, "\n".join(fields)))
        return records
    finally:
        workbook.close()


def _cell(row: tuple[object, ...], i: int) -> str:
    """The cell as stripped text; a missing or empty cell is ""."""
    value = row[i] if i < len(row) else None
    return "" if value is None else str(value).strip()


def read_stopwords(path: Path = STOPWORDS) -> frozenset[str]:
    """One word per line; blank lines and ``#`` comments skipped."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in lines if w and not w.startswith("#"))


def is_punctuation(token: str) -> bool:
    """True for tokens made only of whitespace, punctuation or symbols."""
    return all(c.isspace() or unicodedata.category(c)[0] in "PSZ" for c in token)


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Fixed windows of ``size`` characters, no overlap."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def chunk_digest(doc_ids: Sequence[str], chunks: Sequence[str], fingerprint: str) -> str:
    """md5 over the embedder fingerprint and every (record, chunk text) pair."""
    digest = hashlib.md5(fingerprint.encode())
    for doc_id, chunk in zip(doc_ids, chunks, strict=True):
        digest.update(f"\0{doc_id}\0{chunk}".encode())
    return digest.hexdigest()


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion, equal weights: items by the sum of 1/(k + rank), rank from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])  # stable: ties keep first-seen order


@dataclass(frozen=True)
class Baseline:
    """BM25 over records + max-sim dense over 400-character chunks, fused by RRF."""

    doc_ids: list[str]
    bm25: bm25s.BM25
    tokenizer: jieba.Tokenizer
    stopwords: frozenset[str]
    embedder: Embedder
    faiss_index: faiss.IndexFlatIP
    chunk_record: np.ndarray  # record index of each chunk

    @classmethod
    def build(
        cls, records: Sequence[tuple[str, str]], embedder: Embedder, *, cache_dir: Path | None
    ) -> Baseline:
        """Index ``records`` (doc_id, text); chunk vectors are reused from ``cache_dir``."""
        doc_ids = [doc_id for doc_id, _ in records]
        if not doc_ids:
            raise ValueError("no records to index: pass at least one (doc_id, text) pair.")
        if len(set(doc_ids)) != len(doc_ids):
            raise ValueError("doc ids must be unique: give every record its own id.")
        started = time.perf_counter()
        tokenizer, stopwords = jieba.Tokenizer(), read_stopwords()
        bm25 = bm25s.BM25()
        tokens = [_tokenize(tokenizer, stopwords, text) for _, text in records]
        bm25.index(tokens, show_progress=False)
        owners = [i for i, (_, text) in enumerate(records) for _ in chunk_text(text)]
        chunks = [chunk for _, text in records for chunk in chunk_text(text)]
        if not chunks:
            raise ValueError("every record's text is empty: there is nothing to embed.")
        vectors = _chunk_vectors(embedder, [doc_ids[i] for i in owners], chunks, cache_dir)
        faiss_index = faiss.IndexFlatIP(vectors.shape[1])
        faiss_index.add(vectors)
        info = (len(doc_ids), len(chunks), time.perf_counter() - started)
        logger.info("baseline: %d records, %d chunks, built in %.1f s", *info)
        chunk_record = np.asarray(owners, dtype=np.int64)
        return cls(doc_ids, bm25, tokenizer, stopwords, embedder, faiss_index, chunk_record)

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[str]:
        """Doc ids of the best ``k`` records for ``query``, best first."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        if k < 1:
            raise ValueError(f"k must be at least 1; got {k}")
        if not query.strip():
            raise ValueError("the query is empty: type some words to search for.")
        rankings = []
        if mode in ("hybrid", "keyword"):
            rankings.append(self._keyword(query))
        if mode in ("hybrid", "dense"):
            rankings.append(self._dense(query))
        return [self.doc_ids[i] for i in rrf(rankings)[:k]]

    def _keyword(self, query: str) -> list[int]:
        """Record indices with a BM25 score above zero, best first, at most ``TOP_N``."""
        tokens = _tokenize(self.tokenizer, self.stopwords, query)
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        order = np.argsort(-scores, kind="stable")[:TOP_N]
        return [int(i) for i in order if scores[i] > 0]

    def _dense(self, query: str) -> list[int]:
        """Record indices by their best chunk's inner product, best first, at most ``TOP_N``."""
        vector = self.embedder.encode_queries([query])
        _, chunk_ids = self.faiss_index.search(vector, self.faiss_index.ntotal)
        ranked: dict[int, None] = {}
        for chunk in chunk_ids[0]:
            ranked.setdefault(int(self.chunk_record[chunk]), None)
            if len(ranked) == TOP_N:
                break
        return list(ranked)


def _tokenize(tokenizer: jieba.Tokenizer, stopwords: frozenset[str], text: str) -> list[str]:
    words = tokenizer.lcut_for_search(text)
    return [w for w in words if w not in stopwords and not is_punctuation(w)]


def _chunk_vectors(
    embedder: Embedder, owners: list[str], chunks: list[str], cache_dir: Path | None
) -> np.ndarray:
    """The chunks' vectors: from ``cache_dir`` when its md5 matches, else embedded and saved."""
    digest = chunk_digest(owners, chunks, embedder.fingerprint)
    cached = _load_cache(cache_dir, digest, len(chunks)) if cache_dir is not None else None
    if cached is not None:
        return cached
    logger.info("baseline: embedding %d chunks with %s", len(chunks), embedder.name)
    vectors = embedder.encode_documents(chunks, show_progress=True)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if cache_dir is not None:
        meta = {"md5": digest, "model": embedder.name, "chunk_chars": CHUNK_CHARS}
        _save_cache(cache_dir, vectors, {**meta, "chunk_record": owners})
    return vectors


def _load_cache(cache_dir: Path, digest: str, n_chunks: int) -> np.ndarray | None:
    """The cached vectors when ``chunks.json`` holds ``digest`` and the shapes agree, else None."""
    meta_path, vectors_path = cache_dir / CACHE_META, cache_dir / CACHE_VECTORS
    if not (meta_path.is_file() and vectors_path.is_file()):
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("md5") != digest:
        logger.info("baseline: the cache in %s is for other chunks; re-embedding", cache_dir)
        return None
    vectors = np.load(vectors_path, allow_pickle=False)
    if vectors.ndim != 2 or vectors.shape[0] != n_chunks:
        logger.warning("baseline: %s has shape %s, not %d rows; re-embedding",
                       vectors_path, vectors.shape, n_chunks)  # fmt: skip
        return None
    logger.info("baseline: %d chunk vectors loaded from %s", n_chunks, cache_dir)
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _save_cache(cache_dir: Path, vectors: np.ndarray, meta: dict[str, object]) -> None:
    """``vectors.npy`` plus ``chunks.json`` (md5, model, chunk → record id)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(cache_dir / CACHE_VECTORS, vectors, allow_pickle=False)
    text = json.dumps(meta, ensure_ascii=False)
    (cache_dir / CACHE_META).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Build (or load) the baseline over 附件4 and print the ranked ids and titles per query."""
    summary = (__doc__ or "").splitlines()[0]
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=summary)
    parser.add_argument("--query", action="append", required=True, help="repeat for several")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--mode", choices=MODES, default="hybrid")
    parser.add_argument("--table", type=Path, default=TIPDM4)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not args.table.is_file():
        print(f"skipped: {args.table} is not there (the baseline needs it)", file=sys.stderr)
        return 2
    records = read_fujian4(args.table)
    baseline = Baseline.build(records, load_embedder(None), cache_dir=args.cache_dir)
    titles = {doc_id: text.split("\n", 1)[0] for doc_id, text in records}
    for query in args.query:
        print(f"# {query} ({args.mode})")
        for rank, doc_id in enumerate(baseline.search(query, args.k, args.mode), start=1):
            print(f"{rank:2d}. {doc_id}\t{titles[doc_id]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
