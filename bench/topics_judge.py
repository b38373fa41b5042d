"""Topics for blind judging: each topic's terms and five of its titles, method left out.

Finds the topics of each one-year window of 附件4 (search.topics with its defaults: only the
cohesive groups are topics, the rest 「其他（未成主题）」), and writes one JSON line per
topic — an opaque id, its terms, five distinct titles drawn at random (seeded) from its records, so
reviewers see a fair sample and not only the records nearest the centre — shuffled across
windows. The settings that produced them go to a file beside it
that reviewers are not shown; so does the key from ids to windows, sizes, each topic's
cohesion (mean pairwise cosine of its members' vectors) and each window's count of records
in no topic.

    python -m bench.topics_judge [--index data/fj4/index] [--years 2018 2019]

Reviewers mark each line ``{"id": …, "coherent": true|false}``: coherent when the terms and
the titles are about one problem.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from index.store import open_index
from search.topics import TopicModel, cohesion

OUT = Path(__file__).parent / "data" / "topics_to_judge.jsonl"
SAMPLE = 5
SEED = 15  # 13 drew the first round's sample (n/40, no cohesion rule), 14 round 2's


def topic_rows(model: TopicModel, years: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The judging rows (shuffled) and the key with each topic's window and size."""
    rng = random.Random(SEED)
    titles = {r.doc_id: r.title for r in model.replies}
    position = {r.doc_id: i for i, r in enumerate(model.replies)}
    rows, key, settings, others = [], {}, {}, {}
    for year in years:
        report = model.topics(f"{year}-01-01", f"{year}-12-31")
        settings, others[year] = report.settings, report.others
        for n, topic in enumerate(report.topics):
            picked = rng.sample(
                distinct := _distinct_titles(topic.doc_ids, titles), min(SAMPLE, len(distinct))
            )
            rows.append({"terms": list(topic.terms), "titles": picked})
            members = model.vectors[[position[d] for d in topic.doc_ids]]
            key_row = {"window": year, "rank": n + 1, "size": topic.size, "k": report.k,
                       "cohesion": round(cohesion(members), 3)}  # fmt: skip
            rows[-1]["_key"] = key_row
    rng.shuffle(rows)
    for i, row in enumerate(rows, start=1):
        row["id"] = f"t{i:02d}"
        key[row["id"]] = row.pop("_key")
    meta = {"settings": settings, "years": years, "sample_seed": SEED, "others": others}
    return rows, {**meta, "key": key}


def _distinct_titles(doc_ids: tuple[str, ...], titles: dict[str, str]) -> list[str]:
    """The topic's titles, each once (a complaint posted five times is one sample)."""
    return list(dict.fromkeys(titles[d] for d in doc_ids))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", default="data/fj4/index")
    parser.add_argument("--years", nargs="+", default=["2018", "2019"])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows, key = topic_rows(TopicModel(open_index(args.index)), args.years)
    lines = [json.dumps({"id": r["id"], **r}, ensure_ascii=False) for r in rows]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    key_path = args.out.with_name(args.out.stem + "_key.json")
    key_path.write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(rows)} topics → {args.out} (key and settings: {key_path})")


if __name__ == "__main__":
    main()
