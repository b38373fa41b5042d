"""Judged relevance for unlabelled queries: 30 messages of 附件3 against the devset index.

附件3.xlsx holds 4,326 messages nobody answered: realistic "new message" queries without
labels. Three steps, so the judge grades a pooled, shuffled list and never sees which mode
returned what:

    python -m bench.judge pool    # seeded sample; top 5 per mode → work dir pool + runs
    (grade every pooled result 0/1/2 in data/devset/judge/grades.jsonl: qid, doc_id, grade, note)
    python -m bench.judge score   # joins grades with runs → bench/data/judgments_fujian3.jsonl
    python -m bench.judge report  # the scores again, from the committed judgments alone

Grades: 2 = a past reply about the same concrete issue type in similar circumstances,
1 = same topic area, 0 = unrelated. The query is each message's 留言详情; the committed
file names it by 附件3 id and title only.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.devset import DATA_DIR, TIPDM, WORK_DIR, Message, read_jsonl, read_messages, write_jsonl
from index.read import read_file
from index.reply import RawRecord
from search.hit import MODES
from search.searcher import Searcher

TIPDM3 = TIPDM / "附件3.xlsx"
JUDGE_DIR = WORK_DIR / "judge"
SEED = 3
N_QUERIES = 30
TOP = 5


def sample_unanswered(path: Path, n: int = N_QUERIES, seed: int = SEED) -> list[dict[str, str]]:
    """A seeded sample of 附件3 rows with a message text: id, title, message."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not there; judging needs ../shared/corpus/tipdm2020.")
    rows = [r.fields for r in read_file(path) if isinstance(r, RawRecord)]
    usable = [r for r in rows if r.get("id") and r.get("question")]
    picked = random.Random(seed).sample(usable, min(n, len(usable)))
    return [{"id": r["id"], "title": r.get("title", ""), "message": r["question"]} for r in picked]


def pool(
    searcher: Searcher, queries: Sequence[dict[str, str]], titles: dict[str, str], seed: int = SEED
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(pool rows to grade, runs): each query's results of every mode, merged and shuffled."""
    rng = random.Random(seed)
    pooled: list[dict[str, object]] = []
    runs: list[dict[str, object]] = []
    for q in queries:
        found: dict[str, str] = {}
        for mode in MODES:
            hits = searcher.search(q["message"], k=TOP, mode=mode)
            runs.append({"qid": q["id"], "mode": mode, "doc_ids": [h.doc_id for h in hits]})
            for h in hits:
                found.setdefault(h.doc_id, " … ".join(p.text for p in h.passages)[:400])
        docs = list(found.items())
        rng.shuffle(docs)
        candidates = [{"doc_id": d, "past_title": titles.get(d, ""), "reply": t} for d, t in docs]
        pooled.append({"qid": q["id"], "message": q["message"], "candidates": candidates})
    return pooled, runs


def dcg(gains: Sequence[int]) -> float:
    """Discounted cumulative gain with linear gains (grade 2 counts twice grade 1)."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))


def score_runs(
    runs: Sequence[dict[str, object]], grades: dict[tuple[str, str], int]
) -> dict[str, dict[str, float]]:
    """Per mode: precision@5 (grade ≥ 1 and grade 2) and nDCG@5 against the judged pool."""
    ideal: dict[str, list[int]] = {}
    for (qid, _), grade in grades.items():
        ideal.setdefault(qid, []).append(grade)
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        mine = [r for r in runs if r["mode"] == mode]
        p1 = p2 = nd = 0.0
        for run in mine:
            qid = str(run["qid"])
            gains = [_grade(grades, qid, str(d)) for d in run["doc_ids"]]  # type: ignore[union-attr]
            p1 += sum(1 for g in gains if g >= 1) / TOP
            p2 += sum(1 for g in gains if g == 2) / TOP
            best = dcg(sorted(ideal.get(qid, []), reverse=True)[:TOP])
            nd += dcg(gains) / best if best else 0.0
        n = max(len(mine), 1)
        out[mode] = {
            "p@5(grade>=1)": round(p1 / n, 3),
            "p@5(grade=2)": round(p2 / n, 3),
            "ndcg@5": round(nd / n, 3),
            "queries": len(mine),
        }
    return out


def judgments(
    runs: Sequence[dict[str, object]],
    grades: dict[tuple[str, str], tuple[int, str]],
    titles: dict[str, str],
) -> list[dict[str, object]]:
    """One row per (query, mode, result) for bench/data: the query named by its 附件3 title.

    The query that was run is that message's 留言详情 (not committed: long shared text).
    """
    rows = []
    for run in runs:
        qid = str(run["qid"])
        for rank, doc_id in enumerate(run["doc_ids"], start=1):  # type: ignore[arg-type]
            grade, note = grades[(qid, str(doc_id))]
            rows.append(
                {"qid": qid, "query": titles.get(qid, ""), "doc_id": doc_id,
                 "mode": run["mode"], "rank": rank, "grade": grade, "note": note}
            )  # fmt: skip
    return rows


def from_judgments(
    rows: Sequence[dict[str, object]],
) -> tuple[list[dict[str, object]], dict[tuple[str, str], int]]:
    """(runs, grades) back from committed judgment rows, to score without the work files."""
    runs: dict[tuple[str, str], list[tuple[int, str]]] = {}
    grades: dict[tuple[str, str], int] = {}
    for row in rows:
        qid, doc_id = str(row["qid"]), str(row["doc_id"])
        runs.setdefault((qid, str(row["mode"])), []).append((int(row["rank"]), doc_id))  # type: ignore[call-overload]
        grades[(qid, doc_id)] = int(row["grade"])  # type: ignore[call-overload]
    listed = [
        {"qid": qid, "mode": mode, "doc_ids": [d for _, d in sorted(ranked)]}
        for (qid, mode), ranked in runs.items()
    ]
    return listed, grades


def _grade(grades: dict[tuple[str, str], int], qid: str, doc_id: str) -> int:
    if (qid, doc_id) not in grades:
        raise ValueError(f"no grade for query {qid}, doc {doc_id}: grade the whole pool first.")
    return grades[(qid, doc_id)]


def _titles(messages: Sequence[Message]) -> dict[str, str]:
    return {m.id: m.title for m in messages}


def main(argv: list[str] | None = None) -> int:
    """``pool`` or ``score``; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.judge", description=__doc__.split("\n")[0]
    )
    parser.add_argument("step", choices=("pool", "score", "report"))
    parser.add_argument("--index", type=Path, default=WORK_DIR / "index-default")
    parser.add_argument("--dir", type=Path, default=JUDGE_DIR)
    args = parser.parse_args(argv)
    if args.step == "report":  # from the committed judgments alone
        runs, grades = from_judgments(read_jsonl(DATA_DIR / "judgments_fujian3.jsonl"))
        print(json.dumps(score_runs(runs, grades), ensure_ascii=False, indent=1))
        return 0
    if not TIPDM3.is_file():
        print(f"skipped: {TIPDM3} is not there (judging needs the shared corpus)", file=sys.stderr)
        return 2
    from bench.devset import TIPDM4

    if args.step == "pool":
        queries = sample_unanswered(TIPDM3)
        pooled, runs = pool(Searcher.load(args.index), queries, _titles(read_messages(TIPDM4)))
        write_jsonl(args.dir / "pool.jsonl", pooled)
        write_jsonl(args.dir / "runs.jsonl", runs)
        write_jsonl(args.dir / "queries.jsonl", queries)
        print(f"wrote {args.dir}/pool.jsonl: grade it into {args.dir}/grades.jsonl")
        return 0
    runs = read_jsonl(args.dir / "runs.jsonl")
    graded = {
        (str(g["qid"]), str(g["doc_id"])): (int(g["grade"]), str(g.get("note", "")))
        for g in read_jsonl(args.dir / "grades.jsonl")
    }  # type: ignore[call-overload]
    titles = {str(q["id"]): str(q["title"]) for q in read_jsonl(args.dir / "queries.jsonl")}
    write_jsonl(DATA_DIR / "judgments_fujian3.jsonl", judgments(runs, graded, titles))
    result = score_runs(runs, {k: v[0] for k, v in graded.items()})
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
