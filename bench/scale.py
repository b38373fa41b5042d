"""One box at a million passages, measured (issue 12, item 5).

Builds a synthetic index of ``--passages`` passages from the real index at ``--source``
(see :mod:`bench.scale_data`), with the FAISS index kind the build would choose at that
size, and reports build time, memory, dense recall@10 against exact search, and search
latency at k = 10 for dense, keyword and hybrid. Query encoding is timed apart: the real
text queries (the staff queries, then devset titles) are encoded once by the default
model before the timed runs, and the searcher then looks their vectors up.

Build and search each run in a fresh process (spawned), so each reports its own peak
resident memory: the search figure is what a box serving this index holds.

    python -m bench.scale [--passages 1000000] [--queries 1000] [--out DIR]

Writes the synthetic index files and ``report.json`` under ``--out`` and prints the report.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bench import scale_data, scale_measure
from bench.search_speed import rss_mb
from index.dense import FLAT_BELOW, FLOAT_BYTES_BUDGET, FaissDense
from index.embed import Embedder, load_embedder
from index.keyword import Bm25Keyword
from index.segment import Segmenter
from index.store import live_generation, read_manifest
from search.searcher import Searcher

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "data" / "fj4" / "index"
TARGETS = {"dense_recall_at_10": 0.95, "hybrid_p95_ms": 100.0, "search_peak_rss_mb": 4096.0}
K = scale_measure.K


@dataclass(frozen=True)
class ScaleConfig:
    """One benchmark run; picklable, so each phase can run in its own process."""

    source: Path
    out: Path
    passages: int = 1_000_000
    queries: int = 1_000
    seed: int = 0
    dense_threshold: int = FLAT_BELOW
    float_budget: int = FLOAT_BYTES_BUDGET


def build_phase(config: ScaleConfig, text_vectors: np.ndarray) -> dict[str, Any]:
    """Make the synthetic index, its query vectors and their exact top 10; save them."""
    rng = np.random.default_rng(config.seed)
    source = scale_data.load_source(config.source)
    real = source.index.vectors.astype(np.float32)
    plan = scale_data.make_plan(source, config.passages, rng)
    noise = _noise(real, rng)
    vectors, generate_s = _timed(
        lambda: scale_data.synthetic_vectors(real, plan.passage_source, *noise, rng)
    )
    dense, dense_s = _timed(
        lambda: FaissDense.build(
            vectors, threshold=config.dense_threshold, float_budget=config.float_budget
        )
    )
    (keyword, records), keyword_s = _timed(lambda: scale_data.build_keyword(source, plan))
    rows = rng.integers(0, len(real), size=config.queries)
    queries = scale_data.noisy(real[rows], *noise, rng)
    exact, exact_s = _timed(lambda: _exact_top(vectors, np.concatenate([queries, text_vectors])))
    arrays = {**{n: getattr(plan, n) for n in _PLAN}, "vectors": vectors}
    _save(config.out, {**arrays, "queries": queries, "exact": exact}, dense, keyword, records)
    return {
        "passages": len(plan.passage_source),
        "records": len(plan.record_source),
        "source_passages": len(real),
        "noise": {
            "neighbour_cosine": round(scale_data.neighbour_cosine(real), 4),
            "scale": round(noise[1], 4),
        },
        "dense_index": dense.kind,
        "dense_lists": int(dense.ivf.nlist) if dense.ivf is not None else None,
        "dense_nprobe": dense.nprobe or None,
        "seconds": {
            "vectors": round(generate_s, 1),
            "dense_build": round(dense_s, 1),
            "keyword_build": round(keyword_s, 1),
            "exact_top10": round(exact_s, 1),
        },
        "peak_rss_mb": round(scale_measure.peak_rss_mb()),
        "load_average_at_end": round(os.getloadavg()[0], 1),
    }


def _noise(real: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The noise basis and the scale that puts copies at the real neighbour cosine."""
    basis = scale_data.noise_basis(real)
    target = scale_data.neighbour_cosine(real)
    return basis, scale_data.calibrate_noise(real, basis, target, rng)


def serve_phase(
    config: ScaleConfig, text: scale_measure.TextQueries, model: dict[str, Any]
) -> dict[str, Any]:
    """Load the synthetic index as a searcher would; measure memory, recall and latency."""
    started = time.perf_counter()
    searcher, memory = _load_searcher(config, text, model)
    load_s = time.perf_counter() - started
    out = config.out
    queries, exact = np.load(out / "queries.npy"), np.load(out / "exact.npy")
    dense_ms, found = scale_measure.dense_runs(
        searcher.index.dense, np.concatenate([queries, text.centroids])
    )
    n = len(queries)
    modes = {
        m: scale_measure.latency(searcher, text.texts, m) for m in ("dense", "keyword", "hybrid")
    }
    return {
        "load_seconds": round(load_s, 1),
        "rss_after_load_mb": round(memory["searcher"]),
        "rss_growth_by_step_mb": scale_measure.growth(memory),
        "peak_rss_mb": round(scale_measure.peak_rss_mb()),
        "dense_recall_at_10": round(scale_measure.recall(found[:n], exact[:n]), 4),
        "dense_recall_at_10_text_queries": round(scale_measure.recall(found[n:], exact[n:]), 4),
        "dense_index_ms": scale_measure.summary(dense_ms[:n]),
        "searcher_ms": modes,
        "load_average_at_end": round(os.getloadavg()[0], 1),
    }


def _load_searcher(
    config: ScaleConfig, text: scale_measure.TextQueries, model: dict[str, Any]
) -> tuple[Searcher, dict[str, float]]:
    """The project's Searcher over the saved synthetic index, and VmRSS after each step."""
    memory = {"start": rss_mb()}
    out = config.out
    source = scale_data.load_source(config.source, tokenize=False)
    plan = scale_data.Plan(*(np.load(out / f"{n}.npy") for n in _PLAN))
    memory["source_and_plan"] = rss_mb()
    parts: dict[str, Any] = {}
    for name, load in (
        ("vectors", lambda: np.load(out / "vectors.npy")),
        ("dense", lambda: FaissDense.load(out / "dense.faiss")),
        ("keyword", lambda: Bm25Keyword.load(out / "bm25")),
        ("record_keyword", lambda: Bm25Keyword.load(out / "bm25_records")),
    ):
        parts[name] = load()
        memory[name] = rss_mb()
    index = scale_data.assemble(source, plan, **parts, directory=out)
    memory["records_and_passages"] = rss_mb()
    embedder = scale_measure.LookupEmbedder(text.pieces, model)
    searcher = Searcher(index, embedder=embedder, segmenter=Segmenter(extra_terms=index.terms))
    memory["searcher"] = rss_mb()
    return searcher, memory


def run(
    config: ScaleConfig,
    embedder: Embedder,
    *,
    text_queries: int,
    isolate: bool,
    search_only: bool = False,
) -> dict[str, Any]:
    """Every phase in order; ``isolate`` runs build and search in processes of their own.

    ``search_only`` reuses the synthetic index an earlier run left under ``config.out`` (with
    the same queries) and its build figures, to measure search again after a change.
    """
    started, load_at_start = time.perf_counter(), round(os.getloadavg()[0], 1)
    config.out.mkdir(parents=True, exist_ok=True)
    built_by = read_manifest(live_generation(config.source)).model
    if built_by.fingerprint != embedder.fingerprint:
        raise ValueError(
            f"{config.source} was built by '{built_by.name}', not by '{embedder.name}': the "
            "text queries would not match its vectors. Pass a source built by the default model."
        )
    text = scale_measure.encode_text_queries(
        scale_measure.read_text_queries(text_queries), embedder
    )
    model = {k: getattr(embedder, k) for k in ("name", "fingerprint", "dimension", "precision")}
    if search_only:
        built = {**_previous_build(config.out), "reused": True}
    else:
        built = _call(isolate, build_phase, config, text.centroids)
    served = _call(isolate, serve_phase, config, text, model)
    report = {
        "config": {k: str(v) for k, v in asdict(config).items()},
        "build": built,
        "search": served,
        "query_encoding_ms": {**scale_measure.summary(text.encode_ms), "model": embedder.name},
        "targets": TARGETS,
        "total_seconds": round(time.perf_counter() - started, 1),
        "load_average_at_start": load_at_start,
    }
    (config.out / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return report


_PLAN = ("passage_source", "passage_record", "record_source")


def _previous_build(out: Path) -> dict[str, Any]:
    path = out / "report.json"
    if not path.is_file():
        raise FileNotFoundError(f"No earlier run under {out}: run without --search-only first.")
    return dict(json.loads(path.read_text(encoding="utf-8"))["build"])


def _call(isolate: bool, phase: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    if not isolate:
        return phase(*args)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(phase, *args).result()


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _exact_top(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Exact top ``K`` by inner product (brute force over every vector)."""
    _, ids = faiss.knn(queries, vectors, K, metric=faiss.METRIC_INNER_PRODUCT)
    return ids


def _save(
    out: Path,
    arrays: dict[str, np.ndarray],
    dense: FaissDense,
    keyword: Bm25Keyword,
    records: Bm25Keyword,
) -> None:
    """The synthetic index's files, as the search phase reads them back."""
    for name, array in arrays.items():
        np.save(out / f"{name}.npy", array, allow_pickle=False)
    dense.save(out / "dense.faiss")
    keyword.save(out / "bm25")
    records.save(out / "bm25_records")


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: run the benchmark and print its report as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1_000, help="synthetic queries for recall")
    parser.add_argument("--text-queries", type=int, default=100, help="real queries, timed")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "scale")
    parser.add_argument(
        "--source", type=Path, default=SOURCE, help="real index to copy (read only)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--search-only", action="store_true", help="reuse the index an earlier run left in --out"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    config = ScaleConfig(args.source, args.out, args.passages, args.queries, args.seed)
    report = run(
        config,
        load_embedder(None),
        text_queries=args.text_queries,
        isolate=True,
        search_only=args.search_only,
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
