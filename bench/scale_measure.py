"""What bench.scale measures with: real text queries encoded ahead of time, and the timers.

The text queries are the staff queries, then devset titles; each is split into dense pieces
as the searcher splits it, encoded once by the model (timed per query: the encoding figure),
and then answered from a table by :class:`LookupEmbedder`, so search timings exclude it.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.search_speed import percentile
from index.dense import FaissDense
from index.embed import Embedder
from search.query import prepare_query
from search.searcher import Searcher
from search.settings import SearchSettings

REPO = Path(__file__).resolve().parent.parent
K = 10
WARM_UP = 5


QUERY_FILES = (
    REPO / "bench" / "data" / "staff_queries.jsonl",
    REPO / "bench" / "data" / "devset_title.jsonl",
)


@dataclass(frozen=True)
class TextQueries:
    """Real queries, their dense pieces and vectors (piece centroids), encoded ahead of time."""

    texts: list[str]
    pieces: dict[str, np.ndarray]  # piece text → vector, for the look-up embedder
    centroids: np.ndarray  # (queries, dimension), as the ranker forms them
    encode_ms: list[float]


class LookupEmbedder:
    """An :class:`index.embed.Embedder` that answers from vectors encoded ahead of time."""

    def __init__(self, pieces: dict[str, np.ndarray], like: dict[str, Any]) -> None:
        self.pieces = pieces
        self.name, self.fingerprint = like["name"], like["fingerprint"]
        self.dimension, self.precision = int(like["dimension"]), like["precision"]

    def encode_queries(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        missing = [t for t in texts if t not in self.pieces]
        if missing:
            raise KeyError(f"query piece not encoded ahead of time: {missing[0][:40]!r}")
        return np.stack([self.pieces[t] for t in texts])

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress: bool = False
    ) -> np.ndarray:
        raise NotImplementedError("the look-up embedder only answers queries")


def read_text_queries(count: int) -> list[str]:
    """The first ``count`` queries of the staff query file, then of the devset titles."""
    texts: list[str] = []
    for path in QUERY_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and len(texts) < count:
                texts.append(str(json.loads(line)["query"]))
    return texts


def encode_text_queries(texts: list[str], embedder: Embedder) -> TextQueries:
    """Encode each query's dense pieces as the searcher would, timing each query."""
    settings = SearchSettings()
    split = [prepare_query(t, lambda _: [], lambda _: 0.0, settings).dense_texts for t in texts]
    for pieces in split[:WARM_UP]:
        embedder.encode_queries(list(pieces))
    table: dict[str, np.ndarray] = {}
    centroids, times = [], []
    for pieces in split:
        started = time.perf_counter()
        vectors = embedder.encode_queries(list(pieces))
        times.append(1000 * (time.perf_counter() - started))
        table.update(zip(pieces, vectors, strict=True))
        centroid = vectors.mean(axis=0)
        centroids.append(centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    return TextQueries(texts, table, np.stack(centroids).astype(np.float32), times)


def growth(memory: dict[str, float]) -> dict[str, int]:
    """Resident memory added by each loading step, in MiB."""
    steps = list(memory.items())
    return {name: round(rss - before) for (_, before), (name, rss) in itertools.pairwise(steps)}


def dense_runs(dense: FaissDense, queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    """One search per query (as the searcher sends them): times in ms and the ids found."""
    for q in queries[:WARM_UP]:
        dense.search(q[None, :], K)
    times, found = [], []
    for q in queries:
        started = time.perf_counter()
        _, ids = dense.search(q[None, :], K)
        times.append(1000 * (time.perf_counter() - started))
        found.append(ids[0])
    return times, np.stack(found)


def latency(searcher: Searcher, texts: list[str], mode: str) -> dict[str, float]:
    """Latency summary of ``mode`` at k = 10 over ``texts``, after a warm-up."""
    for text in texts[:WARM_UP]:
        searcher.search(text, k=K, mode=mode)
    times = []
    for text in texts:
        started = time.perf_counter()
        searcher.search(text, k=K, mode=mode)
        times.append(1000 * (time.perf_counter() - started))
    return summary(times)


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of the exact top 10 found (recall@10)."""
    hits = [
        len(set(f[f >= 0].tolist()) & set(e.tolist())) for f, e in zip(found, exact, strict=True)
    ]
    return float(np.mean(hits)) / K if hits else 0.0


def summary(times: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of ``times`` (ms), and how many."""
    return {
        "p50": round(percentile(times, 50), 2),
        "p95": round(percentile(times, 95), 2),
        "max": round(max(times), 2),
        "n": len(times),
    }


def peak_rss_mb() -> float:
    """Peak resident set of this process (VmHWM), in MiB.

    Not ``getrusage``'s ``ru_maxrss``: Linux carries it across fork and exec, so a spawned
    phase would report its parent's peak (the encoder's) when that is higher.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise OSError("no VmHWM line in /proc/self/status: the memory figure needs Linux.")
