"""Query latency per mode and the memory of a loaded Searcher, on the devset index.

Takes an equal share of the three devset query kinds (short titles, typed keywords, whole
pasted messages), warms each mode up, then times every query with ``time.perf_counter``
and reports p50/p95/max per mode (and per kind). Memory is the growth of this process's
resident set (VmRSS) across loading the model and then the index. Prints JSON.

    python -m bench.search_speed [--index data/devset/index-default] [--n 240]
    python -m bench.search_speed --profile hybrid     # cProfile of one mode instead
    python -m bench.search_speed --settings '{"max_pieces": 1}'   # with other settings
    python -m bench.search_speed --index data/fj4/index --store local --store milvus:/tmp/fj4.db
                                          # engines side by side, same queries, same run

Targets on 2 cores: hybrid p50 ≤ 50 ms and p95 ≤ 150 ms; keyword p50 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from bench.devset import DATA_DIR, KINDS, TIPDM4, WORK_DIR, table_present
from bench.eval_modes import load_queries
from index.embed import load_embedder
from index.store_spec import open_store, parse_store
from search import MODES, Searcher, SearchSettings
from search.eval import LabelledQuery

WARM_UP = 10
TARGETS_MS = {"hybrid": {"p50": 50.0, "p95": 150.0}, "keyword": {"p50": 10.0}}


def rss_mb() -> float:
    """Resident set size of this process in MiB, from /proc/self/status."""
    status = Path("/proc/self/status")
    if not status.is_file():
        raise OSError("/proc/self/status is not readable: the memory figure needs Linux.")
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise OSError("no VmRSS line in /proc/self/status")


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100), linear between the closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    at = (len(ordered) - 1) * q / 100
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def mixed_queries(by_kind: dict[str, list[LabelledQuery]], n: int) -> list[tuple[str, str]]:
    """(kind, query) pairs: ``n`` in all, the same number of each kind, interleaved."""
    per_kind = -(-n // len(by_kind))
    columns = [[(kind, q.query) for q in qs[:per_kind]] for kind, qs in by_kind.items()]
    return [pair for row in zip(*columns, strict=False) for pair in row]


def time_mode(
    searcher: Searcher, queries: Sequence[tuple[str, str]], mode: str
) -> dict[str, object]:
    """Latency summary in ms for ``mode`` over ``queries``, after a warm-up."""
    for _, text in queries[:WARM_UP]:
        searcher.search(text, k=10, mode=mode)
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for kind, text in queries:
        started = time.perf_counter()
        searcher.search(text, k=10, mode=mode)
        times[kind].append(1000 * (time.perf_counter() - started))
    every = [t for ts in times.values() for t in ts]
    return {
        **_summary(every),
        "by_kind": {kind: _summary(ts) for kind, ts in times.items() if ts},
    }


def misses(latency: dict[str, dict[str, object]]) -> list[str]:
    """Targets this run missed, as readable lines."""
    out = []
    for mode, targets in TARGETS_MS.items():
        for stat, limit in targets.items():
            value = float(latency[mode][stat])  # type: ignore[arg-type]
            if value > limit:
                out.append(f"{mode} {stat} {value:.1f} ms > {limit:.0f} ms")
    return out


def profile(
    searcher: Searcher, queries: Sequence[tuple[str, str]], mode: str, top: int = 30
) -> str:
    """cProfile of ``mode`` over ``queries``: the ``top`` functions by cumulative time."""
    for _, text in queries[:WARM_UP]:
        searcher.search(text, k=10, mode=mode)
    profiler = cProfile.Profile()
    profiler.enable()
    for _, text in queries:
        searcher.search(text, k=10, mode=mode)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _summary(times: Sequence[float]) -> dict[str, float | int]:
    return {
        "p50": round(percentile(times, 50), 1),
        "p95": round(percentile(times, 95), 1),
        "mean": round(statistics.fmean(times), 1),
        "max": round(max(times), 1),
        "queries": len(times),
    }


def main(argv: list[str] | None = None) -> int:
    """Time every mode (or profile one) and print JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_speed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--index", type=Path, default=WORK_DIR / "index-default")
    parser.add_argument(
        "--n", type=int, default=240, help="queries per mode (≥ 200 for the targets)"
    )
    parser.add_argument("--profile", choices=MODES, help="print a cProfile of this mode instead")
    parser.add_argument(
        "--store",
        action="append",
        help="local (default), milvus:PATH.db or milvus://HOST:19530; repeat to time "
        "several engines in one run (modes interleaved per engine, same queries)",
    )
    parser.add_argument(
        "--settings",
        type=json.loads,
        default={},
        help="search.SearchSettings fields to try, e.g. '{\"max_dense_pieces\": 1}'",
    )
    args = parser.parse_args(argv)
    if not table_present(TIPDM4):
        return 2
    queries = mixed_queries(load_queries(DATA_DIR, TIPDM4), args.n)
    load_average = os.getloadavg()[0]  # other work on the machine skews every figure
    stores = args.store or ["local"]
    manifest = open_store(parse_store(stores[0], args.index)).manifest
    before = rss_mb()
    import sentence_transformers  # noqa: F401  (torch and transformers: counted apart from the weights)

    with_libraries = rss_mb()
    embedder = load_embedder(str(manifest.settings.get("model_spec") or "default"))
    with_model = rss_mb()
    settings = SearchSettings(**args.settings)
    by_store: dict[str, object] = {}
    for store in stores:
        start = rss_mb()
        searcher = Searcher.load(args.index, embedder=embedder, settings=settings, store=store)
        loaded = rss_mb()
        if args.profile:
            print(profile(searcher, queries, args.profile))
            return 0
        latency = {mode: time_mode(searcher, queries, mode) for mode in MODES}
        by_store[store] = {
            "dense_index": searcher.manifest.dense_index,
            "latency_ms": latency,
            "rss_mb_index": round(loaded - start, 1),
            "missed_targets": misses(latency),
        }
    result = {
        "index": str(args.index),
        "settings": asdict(settings),
        "passages": len(searcher.chunks),
        "queries_per_mode": len(queries),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": load_average,
        "rss_mb": {
            "libraries": round(with_libraries - before, 1),
            "model": round(with_model - with_libraries, 1),
            "process": round(rss_mb(), 1),
        },
        **(by_store[stores[0]] if len(stores) == 1 else {"by_store": by_store}),  # type: ignore[dict-item]
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
