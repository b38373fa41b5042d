"""Rewrite a file of titles to judge with the learned chooser's titles, for a blind comparison.

    python -m bench.measures --split test --titles-out /tmp/test_titles.jsonl
    python -m bench.title_rank_apply /tmp/test_titles.jsonl /tmp/test_titles_learned.jsonl

Each row keeps its fields; ``pred_title`` becomes the learned title of the predicted
measure (the reply text at ``pred_span``, the rule title as one candidate) and the rule
title moves to ``rule_title``. Rows are in the same order, so the two files pair up.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.measures_sample import SAMPLE_PATH, load_sample
from bench.measures_text import labelling_text, load_item_replies
from index.measure_title_rank import choose_title


def main(argv: list[str] | None = None) -> int:
    """Read the titles file, write it again with learned titles; print how many changed."""
    parser = argparse.ArgumentParser(prog="python -m bench.title_rank_apply")
    parser.add_argument("titles", type=Path, help="a --titles-out file of bench.measures")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.titles.read_text("utf-8").splitlines() if line]
    wanted = {r["item"] for r in rows}
    items = [it for it in load_sample(SAMPLE_PATH) if it.item in wanted]
    if missing := sorted(wanted - {it.item for it in items}):
        print(f"error: items not in the sample: {', '.join(missing)}", file=sys.stderr)
        return 1
    texts = {k: labelling_text(r) for k, r in load_item_replies(items).items()}
    changed = 0
    for row in rows:
        start, end = row["pred_span"]
        learned = choose_title(texts[row["item"]][start:end], rule_title=row["pred_title"])
        changed += learned != row["pred_title"]
        row["rule_title"], row["pred_title"] = row["pred_title"], learned
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print(f"{len(rows)} titles, {changed} changed by the learned chooser -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
