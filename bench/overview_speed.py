"""What the overview costs: facet counts beside a search, and the topics of a one-year window.

Counts: for every staff query (bench/data/staff_queries.jsonl) the ranking is computed once
and the counting step (:func:`search.counts.overview_counts`) timed alone — that is all
``search_with_overview`` adds to ``run`` — then both whole searches are timed, interleaved,
``--repeats`` times. Topics: the per-index model (record vectors, record × term matrix) is
built once, then each window's topics are timed ``--repeats`` times. Prints JSON (medians).

    python -m bench.overview_speed [--index data/fj4/index] [--repeats 5]

Targets: counts add ≤ 10 ms p50 to a search; a one-year window's topics in ≤ 3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from search import Searcher, SearchRequest
from search.counts import overview_counts
from search.topics import TopicModel

QUERIES = Path(__file__).parent / "data" / "staff_queries.jsonl"
WINDOWS = (("2019-01-01", "2019-12-31"), ("2018-01-01", "2018-12-31"))


def _ms(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def count_costs(searcher: Searcher, requests: list[SearchRequest], repeats: int) -> dict[str, Any]:
    """Median cost of the counting step, and of whole searches with and without it."""
    counting, plain, overview, totals = [], [], [], []
    for request in requests:
        _, ranked = searcher._ranked(request)
        replies = searcher.index.replies
        count = partial(overview_counts, ranked, replies, request)
        counting.append(min(_ms(count) for _ in range(repeats)))
        totals.append(overview_counts(ranked, replies, request).total)
        for _ in range(repeats):
            plain.append(_ms(partial(searcher.run, request)))
            overview.append(_ms(partial(searcher.search_with_overview, request)))
    return {
        "queries": len(requests),
        "counting_ms_p50": round(statistics.median(counting), 3),
        "counting_ms_max": round(max(counting), 3),
        "search_ms_p50": round(statistics.median(plain), 1),
        "search_with_overview_ms_p50": round(statistics.median(overview), 1),
        "records_counted_p50": statistics.median(totals),
        "records_counted_range": [min(totals), max(totals)],
    }


def topic_costs(searcher: Searcher, repeats: int) -> dict[str, Any]:
    """Build time of the topic model and the median time of each window's topics."""
    started = time.perf_counter()
    model = TopicModel(searcher.index)
    out: dict[str, Any] = {"model_build_s": round(time.perf_counter() - started, 3)}
    for start, stop in WINDOWS:
        runs = [_ms(lambda s=start, e=stop: model.topics(s, e)) / 1000 for _ in range(repeats)]
        report = model.topics(start, stop)
        out[f"{start[:4]}"] = {
            "records": report.records, "k": report.k, "topics": len(report.topics),
            "seconds_p50": round(statistics.median(runs), 3),
            "seconds_max": round(max(runs), 3),
        }  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", default="data/fj4/index")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    searcher = Searcher.load(args.index)
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    requests = [SearchRequest(json.loads(line)["query"]) for line in lines if line.strip()]
    for request in requests[:5]:  # warm-up: the model's first passes are slow
        searcher.run(request)
    result = {
        "index": args.index,
        "repeats": args.repeats,
        "counts": count_costs(searcher, requests, args.repeats),
        "topics": topic_costs(searcher, args.repeats),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
