"""A synthetic index of any size made from a real one, for ``python -m bench.scale``.

Synthetic records copy real records (sampled with replacement): each keeps its source's
passages, texts and fields, so BM25 sees the corpus's own vocabulary and document
frequencies. Each passage vector is its source vector plus Gaussian noise shaped like the
corpus's own spread (the covariance of the real vectors), renormalised; the noise is scaled
so that a copy lies as close to its source as a real passage's nearest neighbour does.
Neighbourhoods stay realistic: clusters where the corpus has them, no isotropic fog.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import faiss
import numpy as np

from index.engine import DenseIndex, KeywordIndex
from index.keyword import Bm25Keyword
from index.record_terms import record_tokens
from index.reply import Chunk, Reply
from index.segment import Segmenter
from index.store import LoadedIndex, open_index

logger = logging.getLogger(__name__)

BLOCK = 50_000  # rows of noise drawn at a time: bounds the temporary memory


@dataclass(frozen=True)
class Source:
    """The real index the synthetic one copies, with each passage and record tokenised."""

    index: LoadedIndex
    record_passages: list[np.ndarray]  # per source record, its passage rows in order
    passage_tokens: list[list[str]]
    record_tokens: list[list[str]]


@dataclass(frozen=True)
class Plan:
    """Which source row each synthetic row copies."""

    passage_source: np.ndarray  # (passages,) source passage of each synthetic passage
    passage_record: np.ndarray  # (passages,) synthetic record of each synthetic passage
    record_source: np.ndarray  # (records,) source record of each synthetic record


def load_source(index_dir: Path, *, tokenize: bool = True) -> Source:
    """Open ``index_dir`` read-only; tokenise its passages and records as a build does."""
    index = open_index(index_dir)
    split = Segmenter(extra_terms=index.terms).tokenize if tokenize else _no_tokens
    rows: dict[str, list[int]] = {r.doc_id: [] for r in index.replies}
    for row, chunk in enumerate(index.chunks):
        rows[chunk.doc_id].append(row)
    return Source(
        index=index,
        record_passages=[np.array(rows[r.doc_id], dtype=np.int64) for r in index.replies],
        passage_tokens=[split(c.text) for c in index.chunks],
        record_tokens=[record_tokens(r, split) if tokenize else [] for r in index.replies],
    )


def make_plan(source: Source, passages: int, rng: np.random.Generator) -> Plan:
    """Sample source records until they hold ``passages`` passages (the last one cut)."""
    counts = np.array([len(p) for p in source.record_passages], dtype=np.int64)
    usable = np.flatnonzero(counts > 0)
    if not len(usable) or passages <= 0:
        raise ValueError("The source index has no passages, or --passages is not positive.")
    draws = int(passages / counts[usable].mean() * 1.2) + 10
    records = usable[rng.integers(0, len(usable), size=draws)]
    while counts[records].sum() < passages:  # an unlucky draw of short records
        records = np.concatenate([records, usable[rng.integers(0, len(usable), size=draws)]])
    kept = int(np.searchsorted(np.cumsum(counts[records]), passages)) + 1
    records = records[:kept]
    passage_source = np.concatenate([source.record_passages[r] for r in records])
    passage_record = np.repeat(np.arange(kept, dtype=np.int64), counts[records])
    return Plan(passage_source[:passages], passage_record[:passages], records)


def noise_basis(vectors: np.ndarray) -> np.ndarray:
    """A matrix ``B`` such that ``z @ B.T`` (z standard normal) has the vectors' covariance."""
    centred = vectors.astype(np.float64) - vectors.mean(axis=0)
    values, axes = np.linalg.eigh(centred.T @ centred / max(len(vectors) - 1, 1))
    return (axes * np.sqrt(np.clip(values, 0.0, None))).astype(np.float32)


def neighbour_cosine(vectors: np.ndarray) -> float:
    """Median cosine between a real passage and its nearest other passage."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    scores, _ = faiss.knn(vectors, vectors, min(2, len(vectors)), metric=faiss.METRIC_INNER_PRODUCT)
    return float(np.median(scores[:, -1]))


def calibrate_noise(
    vectors: np.ndarray, basis: np.ndarray, target: float, rng: np.random.Generator
) -> float:
    """Noise scale at which a copy's median cosine to its source is ``target`` (bisection)."""
    rows = rng.integers(0, len(vectors), size=min(2_000, 4 * len(vectors)))
    low, high = 0.0, 8.0
    for _ in range(30):
        scale = (low + high) / 2
        copies = noisy(vectors[rows], basis, scale, rng)
        if float(np.median(np.sum(copies * vectors[rows], axis=1))) > target:
            low = scale
        else:
            high = scale
    return (low + high) / 2


def noisy(
    rows: np.ndarray, basis: np.ndarray, scale: float, rng: np.random.Generator
) -> np.ndarray:
    """``rows`` plus shaped noise, L2-normalised, float32."""
    noise = rng.standard_normal((len(rows), basis.shape[1]), dtype=np.float32) @ basis.T
    out = rows.astype(np.float32) + np.float32(scale) * noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def synthetic_vectors(
    source_vectors: np.ndarray,
    rows: np.ndarray,
    basis: np.ndarray,
    scale: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """One noisy copy of ``source_vectors[row]`` per entry of ``rows``."""
    out = np.empty((len(rows), source_vectors.shape[1]), dtype=np.float32)
    for start in range(0, len(rows), BLOCK):
        block = rows[start : start + BLOCK]
        out[start : start + len(block)] = noisy(source_vectors[block], basis, scale, rng)
    return out


def build_keyword(source: Source, plan: Plan) -> tuple[Bm25Keyword, Bm25Keyword]:
    """The passage and record BM25 indexes over the copied token lists."""
    passages = Bm25Keyword.build([source.passage_tokens[s] for s in plan.passage_source])
    records = Bm25Keyword.build([source.record_tokens[s] for s in plan.record_source])
    return passages, records


def assemble(
    source: Source,
    plan: Plan,
    *,
    vectors: np.ndarray,
    dense: DenseIndex,
    keyword: KeywordIndex,
    record_keyword: KeywordIndex,
    directory: Path,
) -> LoadedIndex:
    """A :class:`LoadedIndex` in memory over the synthetic rows, for the project's searcher."""
    real = source.index
    replies: list[Reply] = [
        replace(real.replies[s], doc_id=f"s{i}") for i, s in enumerate(plan.record_source.tolist())
    ]
    chunks: list[Chunk] = [
        replace(real.chunks[s], doc_id=replies[r].doc_id, chunk_id=f"s{i}")
        for i, (s, r) in enumerate(
            zip(plan.passage_source.tolist(), plan.passage_record.tolist(), strict=True)
        )
    ]
    counts = {"replies": len(replies), "passages": len(chunks), "skipped": 0}
    manifest = replace(real.manifest, dense_index=dense.kind, counts=counts, checksums={})
    return LoadedIndex(
        directory=directory,
        manifest=manifest,
        replies=replies,
        chunks=chunks,
        vectors=vectors,
        dense=dense,
        keyword=keyword,
        record_keyword=record_keyword,
        terms=real.terms,
        duplicates=[],
        skipped=[],
    )


def _no_tokens(text: str) -> list[str]:
    return []
