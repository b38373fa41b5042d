"""What one click in the app costs on the server: search, cards, reply view, exports.

Times ``Handlers.search`` (form parsing + search + card HTML) against the bare
``Searcher.search`` so the UI's own overhead is visible, then the reply view and the
three exports over the last result list. Prints JSON (milliseconds, median and p95).

    python -m bench.ui_latency                       # temp index over corpus/, FakeEmbedder
    python -m bench.ui_latency --index data/index    # an existing index with its real model
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from app.handlers import Handlers
from app.render import render_reply
from index.build import build_index
from search import Searcher

REPO = Path(__file__).resolve().parents[1]
QUERIES = (
    "中心城区 高端制造业 园区",
    "老旧小区加装电梯资金补贴",
    "农村饮水安全 水质检测",
    "学位紧张 新建学校",
    "停车难 公共停车场建设",
    "养老服务 社区食堂",
    "餐饮油烟 噪音扰民",
    "基层医疗 家庭医生签约",
    "中小企业融资难",
    "岚政办〔2022〕23号",
)


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls of ``fn``."""
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(ms: Sequence[float]) -> dict[str, float]:
    """Median and 95th percentile, rounded."""
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def measure(searcher: Searcher, queries: Sequence[str], *, k: int, runs: int) -> dict[str, Any]:
    """Timings for each stage over ``queries``."""
    handlers = Handlers(searcher, export_dir=Path(tempfile.mkdtemp(prefix="xianli-bench-")))
    for q in queries:  # warm-up: jieba, FAISS and the model's first call
        handlers.search(q, k)
    bare, page = [], []
    for q in queries:
        bare += timed(partial(searcher.search, q, k=k), runs)
        page += timed(partial(handlers.search, q, k), runs)
    hits = handlers.search(queries[0], k).hits
    replies = [searcher.reply(h.doc_id) for h in hits]
    return {
        "queries": len(queries),
        "k": k,
        "runs": runs,
        "searcher.search": summary(bare),
        "page search (parse + search + cards)": summary(page),
        "reply view": summary([t for r in replies for t in timed(partial(render_reply, r), runs)]),
        "export xlsx": summary(timed(lambda: handlers.export_table(hits, "xlsx"), runs)),
        "export csv": summary(timed(lambda: handlers.export_table(hits, "csv"), runs)),
        "export outline docx": summary(
            timed(lambda: handlers.export_outline(queries[0], hits, []), runs)
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, load or build the index, print the timings as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.ui_latency", description=__doc__)
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        help="existing index (default: build one over corpus/ with FakeEmbedder)",
    )
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.index is None:
        sys.path.insert(0, str(REPO))
        from tests.fakes import FakeEmbedder

        folder = Path(tempfile.mkdtemp(prefix="xianli-bench-index-"))
        build_index([REPO / "corpus"], folder, embedder=FakeEmbedder())
        searcher = Searcher.load(folder, embedder=FakeEmbedder())
    else:
        searcher = Searcher.load(args.index)
    result = measure(searcher, QUERIES, k=args.k, runs=args.runs)
    result["index"] = str(args.index or "corpus/ (FakeEmbedder)")
    result["model"] = searcher.manifest.model.name
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
