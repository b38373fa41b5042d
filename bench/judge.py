"""Judged relevance for unlabelled queries: 30 messages of 附件3 against the devset index.

附件3.xlsx holds 4,326 messages nobody answered: realistic "new message" queries without
labels. Three steps, so the judge grades a pooled, shuffled list and never sees which mode
returned what:

    python -m bench.judge pool    # seeded sample; top 5 per mode → work dir pool + runs + todo
    (grade every result of todo.jsonl 0/1/2 in data/devset/judge/grades.jsonl: qid, doc_id,
    grade, note)
    python -m bench.judge score   # joins grades with runs → bench/data/judgments_fujian3.jsonl
    python -m bench.judge report  # the scores again, from the committed judgments alone

A grade is about a past reply, not the passage or the mode that found it, so a re-pool after
a change to the index or the searcher reuses the committed grades of the (query, reply) pairs
it finds again: todo.jsonl holds only the pairs nobody has graded, and ``score`` takes each
pair's grade from grades.jsonl, else from the committed judgments.

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
from search import MODES, Searcher

TIPDM3 = TIPDM / "附件3.xlsx"
JUDGE_DIR = WORK_DIR / "judge"
SEED = 3
N_QUERIES = 30
TOP = 5
JUDGMENTS = DATA_DIR / "judgments_fujian3.jsonl"


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


def to_grade(
    pooled: Sequence[dict[str, object]], known: dict[tuple[str, str], tuple[int, str]]
) -> list[dict[str, object]]:
    """The pool less the (query, reply) pairs already graded; queries left with none drop out."""
    todo = []
    for row in pooled:
        qid = str(row["qid"])
        fresh = [c for c in _candidates(row) if (qid, str(c["doc_id"])) not in known]
        if fresh:
            todo.append({**row, "candidates": fresh})
    return todo


def merged_grades(
    runs: Sequence[dict[str, object]],
    fresh: dict[tuple[str, str], tuple[int, str]],
    known: dict[tuple[str, str], tuple[int, str]],
) -> tuple[dict[tuple[str, str], tuple[int, str]], int, int]:
    """(grade and note of every pair the runs hold, how many fresh, how many reused).

    A fresh grade wins over a known one: it is the judge's later word on the same pair.
    """
    grades: dict[tuple[str, str], tuple[int, str]] = {}
    n_fresh = n_reused = 0
    for run in runs:
        qid = str(run["qid"])
        for doc_id in _doc_ids(run):
            pair = (qid, doc_id)
            if pair in grades:
                continue
            if pair in fresh:
                grades[pair], n_fresh = fresh[pair], n_fresh + 1
            elif pair in known:
                grades[pair], n_reused = known[pair], n_reused + 1
            else:
                raise ValueError(f"no grade for query {qid}, doc {doc_id}: grade todo.jsonl first.")
    return grades, n_fresh, n_reused


def dcg(gains: Sequence[int]) -> float:
    """Discounted cumulative gain with linear gains (grade 2 counts twice grade 1)."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))


def score_runs(
    runs: Sequence[dict[str, object]], grades: dict[tuple[str, str], int]
) -> dict[str, dict[str, float]]:
    """Per mode: precision@5 (grade ≥ 1 and grade 2) and nDCG@5 against the judged pool."""
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        mine = [r for r in runs if r["mode"] == mode]
        p1 = p2 = 0.0
        for run in mine:
            gains = [_grade(grades, str(run["qid"]), d) for d in _doc_ids(run)]
            p1 += sum(1 for g in gains if g >= 1) / TOP
            p2 += sum(1 for g in gains if g == 2) / TOP
        n = max(len(mine), 1)
        out[mode] = {
            "p@5(grade>=1)": round(p1 / n, 3),
            "p@5(grade=2)": round(p2 / n, 3),
            "ndcg@5": round(sum(per_query_ndcg(runs, grades, mode).values()) / n, 3),
            "queries": len(mine),
        }
    return out


def per_query_ndcg(
    runs: Sequence[dict[str, object]], grades: dict[tuple[str, str], int], mode: str
) -> dict[str, float]:
    """nDCG@5 of one mode's run on each query, against the best 5 grades of its pool."""
    ideal: dict[str, list[int]] = {}
    for (qid, _), grade in grades.items():
        ideal.setdefault(qid, []).append(grade)
    out: dict[str, float] = {}
    for run in (r for r in runs if r["mode"] == mode):
        qid = str(run["qid"])
        gains = [_grade(grades, qid, d) for d in _doc_ids(run)]
        best = dcg(sorted(ideal.get(qid, []), reverse=True)[:TOP])
        out[qid] = dcg(gains) / best if best else 0.0
    return out


def head_to_head(
    runs: Sequence[dict[str, object]], grades: dict[tuple[str, str], int], mode: str, other: str
) -> dict[str, int]:
    """How many queries ``mode`` scores a better, equal or worse nDCG@5 on than ``other``."""
    mine, theirs = per_query_ndcg(runs, grades, mode), per_query_ndcg(runs, grades, other)
    diffs = [mine[q] - theirs[q] for q in mine if q in theirs]
    return {
        "better": sum(1 for d in diffs if d > 1e-9),
        "equal": sum(1 for d in diffs if abs(d) <= 1e-9),
        "worse": sum(1 for d in diffs if d < -1e-9),
    }


def summary(
    runs: Sequence[dict[str, object]], grades: dict[tuple[str, str], int]
) -> dict[str, object]:
    """The per-mode scores and hybrid's per-query nDCG@5 record against each single mode."""
    versus = {m: head_to_head(runs, grades, "hybrid", m) for m in MODES if m != "hybrid"}
    return {"scores": score_runs(runs, grades), "hybrid_vs": versus}


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
        for rank, doc_id in enumerate(_doc_ids(run), start=1):
            grade, note = grades[(qid, doc_id)]
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
    listed: list[dict[str, object]] = [
        {"qid": qid, "mode": mode, "doc_ids": [d for _, d in sorted(ranked)]}
        for (qid, mode), ranked in runs.items()
    ]
    return listed, grades


def known_grades(rows: Sequence[dict[str, object]]) -> dict[tuple[str, str], tuple[int, str]]:
    """(query, reply) → (grade, note) from committed judgment rows."""
    return {
        (str(r["qid"]), str(r["doc_id"])): (int(r["grade"]), str(r.get("note", "")))  # type: ignore[call-overload]
        for r in rows
    }


def _doc_ids(run: dict[str, object]) -> list[str]:
    ids = run.get("doc_ids")
    if not isinstance(ids, list):
        raise ValueError(f"run {run.get('qid')} has no doc_ids list: re-run the pool step.")
    return [str(d) for d in ids]


def _candidates(row: dict[str, object]) -> list[dict[str, object]]:
    found = row.get("candidates")
    if not isinstance(found, list):
        raise ValueError(f"pool row {row.get('qid')} has no candidates: re-run the pool step.")
    return found


def _grade(grades: dict[tuple[str, str], int], qid: str, doc_id: str) -> int:
    if (qid, doc_id) not in grades:
        raise ValueError(f"no grade for query {qid}, doc {doc_id}: grade the whole pool first.")
    return grades[(qid, doc_id)]


def _titles(messages: Sequence[Message]) -> dict[str, str]:
    return {m.id: m.title for m in messages}


def main(argv: list[str] | None = None) -> int:
    """``pool``, ``score`` or ``report``; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.judge", description=__doc__.split("\n")[0]
    )
    parser.add_argument("step", choices=("pool", "score", "report"))
    parser.add_argument("--index", type=Path, default=WORK_DIR / "index-default")
    parser.add_argument("--dir", type=Path, default=JUDGE_DIR)
    args = parser.parse_args(argv)
    if args.step == "report":  # from the committed judgments alone
        runs, grades = from_judgments(read_jsonl(JUDGMENTS))
        print(json.dumps(summary(runs, grades), ensure_ascii=False, indent=1))
        return 0
    if not TIPDM3.is_file():
        print(f"skipped: {TIPDM3} is not there (judging needs the shared corpus)", file=sys.stderr)
        return 2
    known = known_grades(read_jsonl(JUDGMENTS)) if JUDGMENTS.is_file() else {}
    if args.step == "pool":
        _pool_step(args.index, args.dir, known)
    else:
        _score_step(args.dir, known)
    return 0


def _pool_step(index: Path, work: Path, known: dict[tuple[str, str], tuple[int, str]]) -> None:
    from bench.devset import TIPDM4

    queries = sample_unanswered(TIPDM3)
    pooled, runs = pool(Searcher.load(index), queries, _titles(read_messages(TIPDM4)))
    todo = to_grade(pooled, known)
    write_jsonl(work / "pool.jsonl", pooled)
    write_jsonl(work / "todo.jsonl", todo)
    write_jsonl(work / "runs.jsonl", runs)
    write_jsonl(work / "queries.jsonl", [{**q} for q in queries])
    n_pool = sum(len(_candidates(r)) for r in pooled)
    n_todo = sum(len(_candidates(r)) for r in todo)
    print(f"pooled {n_pool} (query, reply) pairs, {n_pool - n_todo} already graded in {JUDGMENTS}")
    print(f"grade the other {n_todo}, in {work}/todo.jsonl, into {work}/grades.jsonl")


def _score_step(work: Path, known: dict[tuple[str, str], tuple[int, str]]) -> None:
    runs = read_jsonl(work / "runs.jsonl")
    fresh_path = work / "grades.jsonl"
    fresh = known_grades(read_jsonl(fresh_path)) if fresh_path.is_file() else {}
    graded, n_fresh, n_reused = merged_grades(runs, fresh, known)
    titles = {str(q["id"]): str(q["title"]) for q in read_jsonl(work / "queries.jsonl")}
    write_jsonl(JUDGMENTS, judgments(runs, graded, titles))
    result = summary(runs, {k: v[0] for k, v in graded.items()})
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"{n_fresh} pairs graded in {fresh_path}, {n_reused} reused from the judgments before")


if __name__ == "__main__":
    sys.exit(main())
