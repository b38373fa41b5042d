"""How long a cross-encoder the size of the default model takes to rescore the top 30.

Issue #9 asks for an optional reranker only if it stays within 150 ms p95 for the top 30.
This times the forward pass that any such cross-encoder would need: the default model's
encoder (multilingual-e5-small, 12 layers) over 30 (query, best passage) pairs of the hybrid
top 30, truncated to 320 tokens, on 12 staff queries, float32 and bfloat16 (the weights are
not trained for reranking: only the time is measured).

    python -m bench.rerank_latency [--index data/fj4/index]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer

from bench.quality import INDEX
from bench.quality_sets import staff_queries
from index.embed import default_model_dir
from search import Searcher

PAIRS = 30
MAX_TOKENS = 320
Batch = tuple[list[str], list[str]]  # (the query repeated, one passage each)


def pair_batches(searcher: Searcher, queries: list[str]) -> list[Batch]:
    """(query repeated, best passage of each of the top 30 hits) per query."""
    out = []
    for q in queries:
        hits = searcher.search(q, k=PAIRS)
        texts = [h.passages[0].text if h.passages else h.title for h in hits]
        out.append(([q] * len(texts), texts))
    return out


def time_forward(folder: Path, batches: list[Batch], dtype: torch.dtype) -> list[float]:
    """Milliseconds of one forward pass per batch (the first two dropped as warm-up)."""
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModel.from_pretrained(str(folder)).eval().to(dtype)
    times = []
    for queries, texts in batches:
        enc = tokenizer(queries, texts, truncation=True, max_length=MAX_TOKENS, padding=True,
                        return_tensors="pt")  # fmt: skip
        start = time.perf_counter()
        with torch.inference_mode():
            model(**enc)
        times.append(1000 * (time.perf_counter() - start))
    return times[2:]


def main(argv: list[str] | None = None) -> int:
    """Print p50 / max forward time per precision."""
    parser = argparse.ArgumentParser(prog="python -m bench.rerank_latency", description=__doc__)
    parser.add_argument("--index", type=Path, default=INDEX)
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    searcher = Searcher.load(args.index)
    batches = pair_batches(searcher, [q.text for q in staff_queries()][:12])
    for dtype in (torch.float32, torch.bfloat16):
        times = time_forward(default_model_dir(), batches, dtype)
        p50, worst = statistics.median(times), max(times)
        print(f"{dtype}: {PAIRS} pairs ≤ {MAX_TOKENS} tokens: p50 {p50:.0f} ms, max {worst:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
