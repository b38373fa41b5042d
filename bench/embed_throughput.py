"""Embedding throughput of ~400-character passages, float32 against bfloat16.

Builds N passages (default 200) from the replies in ../shared/corpus/tipdm2020/附件4.xlsx,
encodes them with each precision (median of 3 timed runs after a warm-up) and prints JSON:
passages/s for each and the cosine between the two precisions' vectors.

    python -m bench.embed_throughput [--n 200] [--model default] [--runs 3]

``bare_throughput`` is what the build benchmark imports to time ``encode_documents`` alone.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embed import Embedder, load_embedder

TIPDM4 = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tipdm2020" / "附件4.xlsx"
PASSAGE_CHARS = 400


def bare_throughput(embedder: Embedder, texts: Sequence[str], *, batch_size: int = 16) -> float:
    """Passages per second for ``embedder.encode_documents`` on ``texts`` (one timed run)."""
    if not texts:
        raise ValueError("bare_throughput needs at least one text")
    started = time.perf_counter()
    embedder.encode_documents(texts, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - started)


def reply_passages(path: Path, n: int, chars: int = PASSAGE_CHARS) -> list[str]:
    """``n`` passages of ``chars`` characters cut from the 答复意见 column, in file order."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(c).strip() for c in next(rows)]
        column = header.index("答复意见")
        stream = "".join(
            re.sub(r"\s+", " ", str(row[column])).strip() for row in rows if row[column] is not None
        )
    finally:
        workbook.close()
    passages = [stream[i : i + chars] for i in range(0, len(stream) - chars + 1, chars)]
    return passages[:n]


def measure(embedder: Embedder, texts: Sequence[str], runs: int) -> tuple[float, np.ndarray]:
    """Median passages/s over ``runs`` timed runs (after one warm-up batch), and the vectors."""
    embedder.encode_documents(texts[:16])
    rates = [bare_throughput(embedder, texts) for _ in range(runs)]
    return statistics.median(rates), embedder.encode_documents(texts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of passages (default 200)")
    parser.add_argument("--model", default="default", help="model folder or name")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per precision")
    parser.add_argument("--xlsx", type=Path, default=TIPDM4, help="附件4.xlsx to cut passages from")
    args = parser.parse_args(argv)
    if not args.xlsx.is_file():
        print(f"skipped: {args.xlsx} is not here (the shared corpus is absent)", file=sys.stderr)
        return 0
    texts = reply_passages(args.xlsx, args.n)
    report: dict[str, object] = {"passages": len(texts), "chars_each": PASSAGE_CHARS}
    vectors = {}
    for precision in ("float32", "bfloat16"):
        embedder = load_embedder(args.model, precision=precision)
        rate, vectors[precision] = measure(embedder, texts, args.runs)
        report[f"{precision}_passages_per_s"] = round(rate, 2)
        report["model"] = embedder.name
    cosines = np.sum(vectors["float32"] * vectors["bfloat16"], axis=1)
    report["cosine_min"] = round(float(cosines.min()), 6)
    report["cosine_mean"] = round(float(cosines.mean()), 6)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
