"""Reading and parsing speed on 附件4.xlsx: ``python bench/read_speed.py [--runs 3]``.

Prints JSON: records read, the median seconds to read the table, and to read and parse it
into ``Reply`` records (measures and policies included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.parse import parse_record  # noqa: E402
from index.read import read_file  # noqa: E402
from index.reply import RawRecord  # noqa: E402

TIPDM4 = REPO.parent / "shared" / "corpus" / "tipdm2020" / "附件4.xlsx"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not TIPDM4.exists():
        print(json.dumps({"skipped": f"{TIPDM4} not found"}))
        return 0
    read_s, total_s, count, measures = [], [], 0, 0
    for _ in range(args.runs):
        started = time.perf_counter()
        records = [r for r in read_file(TIPDM4) if isinstance(r, RawRecord)]
        read_s.append(time.perf_counter() - started)
        replies = [parse_record(r) for r in records]
        total_s.append(time.perf_counter() - started)
        count, measures = len(replies), sum(len(r.measures) for r in replies)
    print(
        json.dumps(
            {
                "records": count,
                "measures": measures,
                "read_s_median": round(statistics.median(read_s), 2),
                "read_and_parse_s_median": round(statistics.median(total_s), 2),
                "runs": args.runs,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
