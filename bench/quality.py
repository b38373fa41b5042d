"""Search quality on what staff ask: graded judgments, every variant side by side.

The query sets (:mod:`bench.quality_sets`: dev, held-out, confirmation, rephrased) run
against the whole 附件4 as a bureau would index it (title, message and reply: ``python -m
index build --corpus ../shared/corpus/tipdm2020/附件4.xlsx --index data/fj4/index``), and
against the plain baseline of ``bench/baseline.py``. Each set's rows are reported apart
("question", "held-out question", "rephrased question", …).

    python -m bench.quality pool    # run every variant; write the ungraded pairs to grade
    (grade data/quality/todo/*.jsonl blind into data/quality/grades/*.jsonl: qid, doc_id, grade)
    python -m bench.quality merge   # fold the new grades into bench/data/judgments_quality.jsonl
    python -m bench.quality         # the table, from the runs and the committed judgments
    python -m bench.quality tune    # fusion settings chosen on half the queries, confirmed on
                                    # the other half (staff styles and pasted messages alike)

Grades: 2 = a past record on the same specific problem whose reply shows how it was handled,
1 = same topic area, 0 = unrelated. The grader sees the query (and, for staff queries, what
a relevant record would be about) and each record's title, message and reply, never which
variant found it.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bench.baseline import Baseline, read_fujian4
from bench.devset import DATA_DIR, TIPDM4, WORK_DIR, read_jsonl, table_present, write_jsonl
from bench.eval_modes import paired_ci
from bench.graded import METRICS
from bench.judge import JUDGMENTS, TIPDM3
from bench.quality_sets import DEV, Query, all_queries, group
from bench.tuning import tune
from index.embed import load_embedder
from search import Searcher, SearchSettings

logger = logging.getLogger(__name__)

QUALITY = DATA_DIR / "judgments_quality.jsonl"
WORK = WORK_DIR.parent / "quality"
INDEX = WORK_DIR.parent / "fj4" / "index"
# The same corpus built with a model from `python -m index tune` on 附件4 itself, as a bureau
# would deploy it. No query here was a training pair (those are 附件4's own titles and
# messages → their replies; these are staff questions and 附件3 messages).
TUNED_INDEX = WORK_DIR.parent / "fj4-tuned" / "index"
K = 10
DEFAULT = SearchSettings()

Run = Callable[[str], list[str]]


# Ablations switch one change of the default off at a time.
ABLATIONS: dict[str, SearchSettings] = {
    "hybrid-no-question-passages": replace(DEFAULT, question_weight=0.0),
    "hybrid-question-weight-0.5": replace(DEFAULT, question_weight=0.5),
    "hybrid-pasted-question-weight-1": replace(DEFAULT, pasted_question_weight=1.0),
    "hybrid-no-measure-bonus": replace(DEFAULT, measure_bonus=0.0),
    "hybrid-no-record-bm25": replace(DEFAULT, record_keyword_weight=0.0),
    "hybrid-no-bigrams": replace(DEFAULT, bigram_weight=0.0),
    "hybrid-no-framing-cut": replace(DEFAULT, strip_framing=False),
    "hybrid-no-priors": replace(
        DEFAULT, thin_answer_factor=1.0, long_answer_factor=1.0, measure_bonus=0.0
    ),
    "hybrid-no-long-answer-damping": replace(DEFAULT, long_answer_factor=1.0),
    "hybrid-no-feedback": replace(DEFAULT, feedback_records=0),
    "hybrid-no-pasted-term-frequency": replace(DEFAULT, pasted_term_frequency=False),
}


def variants(
    searcher: Searcher, baseline: Baseline, tuned: Searcher | None = None
) -> dict[str, Run]:
    """Every system compared: 先例's modes and ablations, the baseline's modes, and the
    dense and hybrid modes of an index built with a tuned model when there is one."""
    out: dict[str, Run] = {}
    for mode in ("keyword", "dense", "hybrid"):
        out[mode] = _searcher_run(searcher, mode)
        out[f"baseline-{mode}"] = lambda q, m=mode: baseline.search(q, k=K, mode=m)
    for name, settings in ABLATIONS.items():
        out[name] = _searcher_run(searcher.with_settings(settings), "hybrid")
    # The one change made for the keyword mode's sake, switched off in that mode too.
    plain = searcher.with_settings(ABLATIONS["hybrid-no-pasted-term-frequency"])
    out["keyword-no-pasted-term-frequency"] = _searcher_run(plain, "keyword")
    if tuned is not None:
        for mode in ("dense", "hybrid"):
            out[f"{mode}-tuned"] = _searcher_run(tuned, mode)
    return out


def _searcher_run(searcher: Searcher, mode: str) -> Run:
    return lambda q: [h.doc_id for h in searcher.search(q, k=K, mode=mode)]


def run_all(queries: Sequence[Query], runs: dict[str, Run]) -> list[dict[str, object]]:
    """One row per (query, variant) with the ranked doc ids."""
    rows = []
    for q in queries:
        for name, run in runs.items():
            rows.append({"qid": q.qid, "style": q.style, "split": q.split, "variant": name,
                         "judged_as": q.grades_qid, "doc_ids": run(q.text)})  # fmt: skip
    return rows


def load_grades() -> dict[tuple[str, str], int]:
    """(qid, doc id) → grade from the committed judgments of both sets."""
    grades: dict[tuple[str, str], int] = {}
    for path in (JUDGMENTS, QUALITY):
        if path.is_file():
            for r in read_jsonl(path):
                grades[(str(r["qid"]), str(r["doc_id"]))] = int(r["grade"])  # type: ignore[call-overload]
    return grades


def score(
    runs: Sequence[dict[str, object]], grades: dict[tuple[str, str], int]
) -> dict[str, dict[str, dict[str, float]]]:
    """style → variant → mean metric (and the per-query nDCG list under '_ndcg')."""
    by_query: dict[str, dict[str, int]] = {}
    for (qid, doc), g in grades.items():
        by_query.setdefault(qid, {})[doc] = g
    table: dict[str, dict[str, dict[str, list[float]]]] = {}
    for row in runs:
        ranked = [str(d) for d in row["doc_ids"]]  # type: ignore[attr-defined]
        mine = by_query.get(str(row.get("judged_as") or row["qid"]), {})
        style, split = str(row["style"]), str(row.get("split", DEV))
        for name_ in (style, "all-staff" if style != "pasted" else ""):
            if not name_:
                continue
            cell = table.setdefault(group(name_, split), {}).setdefault(str(row["variant"]), {})
            for name, metric in METRICS.items():
                cell.setdefault(name, []).append(metric(ranked, mine, K))
    return {
        style: {
            variant: {
                **{m: round(sum(v) / len(v), 3) for m, v in cell.items()},
                "queries": len(cell["ndcg@10"]),
                "_ndcg": cell["ndcg@10"],  # type: ignore[dict-item]
            }
            for variant, cell in variants_.items()
        }
        for style, variants_ in table.items()
    }


def markdown(table: dict[str, dict[str, dict[str, float]]]) -> str:
    """style × variant rows with nDCG@10, MRR@10, R@10, judged@10 and paired intervals."""
    lines = [
        "| style | variant | nDCG@10 | MRR@10 | R@10 | judged@10 | n | Δ nDCG vs baseline-hybrid "
        "| Δ vs hybrid |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for style, rows in table.items():
        base, ours = rows.get("baseline-hybrid"), rows.get("hybrid")
        for variant, v in rows.items():
            versus = [_ci(v, base), _ci(v, ours) if variant != "hybrid" else ""]
            lines.append(
                f"| {style} | {variant} | {v['ndcg@10']:.3f} | {v['mrr@10']:.3f} | "
                f"{v['r@10']:.3f} | {v['judged@10']:.2f} | {v['queries']} | {versus[0]} | "
                f"{versus[1]} |"
            )
    return "\n".join(lines)


def _ci(mine: dict[str, object], other: dict[str, object] | None) -> str:
    if other is None or mine is other:
        return ""
    ci = paired_ci(mine["_ndcg"], other["_ndcg"])  # type: ignore[arg-type]
    return f"{ci['delta']:+.1f} [{ci['low']:+.1f}, {ci['high']:+.1f}]"


def todo(
    queries: Sequence[Query],
    runs: Sequence[dict[str, object]],
    grades: dict[tuple[str, str], int],
    records: dict[str, str],
) -> list[dict[str, object]]:
    """Per query, the pooled records nobody has graded, shuffled, with what a grader reads.

    A rephrasing's records are pooled with those of the query it rephrases and graded as it.
    """
    rng = random.Random(0)
    graded_as = {q.qid: q.grades_qid for q in queries}
    pooled: dict[str, set[str]] = {}
    for r in runs:
        if str(r["qid"]) in graded_as:
            docs = pooled.setdefault(graded_as[str(r["qid"])], set())
            docs.update(str(d) for d in r["doc_ids"])  # type: ignore[attr-defined]
    out = []
    for q in queries:
        fresh = sorted(d for d in pooled.get(q.qid, ()) if (q.qid, d) not in grades)
        rng.shuffle(fresh)
        if fresh and not q.judged_as:
            candidates = [{"doc_id": d, "record": records.get(d, "")[:900]} for d in fresh]
            out.append({"qid": q.qid, "query": q.text, "need": q.need, "candidates": candidates})
    return out


def merge(grade_dir: Path, queries: Sequence[Query]) -> int:
    """Add the grades under ``grade_dir`` to the committed judgments; returns how many."""
    known = read_jsonl(QUALITY) if QUALITY.is_file() else []
    seen = {(str(r["qid"]), str(r["doc_id"])) for r in known}
    text = {q.qid: q.text if q.style != "pasted" else "" for q in queries}
    added = []
    for path in sorted(grade_dir.glob("*.jsonl")):
        for r in read_jsonl(path):
            pair = (str(r["qid"]), str(r["doc_id"]))
            if pair in seen or int(r["grade"]) not in (0, 1, 2):  # type: ignore[call-overload]
                continue
            seen.add(pair)
            added.append({"qid": pair[0], "query": text.get(pair[0], ""), "doc_id": pair[1],
                          "grade": int(r["grade"]), "note": str(r.get("note", ""))[:60]})  # type: ignore[call-overload]  # fmt: skip
    write_jsonl(QUALITY, [*known, *added])
    return len(added)


# Fusion settings tried on the graded sets, one at a time (bench.tuning.tune).
GRID: dict[str, tuple[float | int, ...]] = {
    "pasted_question_weight": (0.0, 0.25, 0.5, 1.0),
    "question_weight": (0.0, 0.5, 1.0),
    "dense_weight": (1.0, 1.5, 2.0, 3.0),
    "keyword_weight": (0.5, 1.0, 1.5),
    "record_keyword_weight": (0.0, 0.5, 1.0, 2.0),
    "rrf_k": (10, 30, 60),
    "thin_answer_factor": (0.4, 0.6, 0.8, 1.0),
    "measure_bonus": (0.0, 0.1, 0.2, 0.4),
    "long_answer_factor": (0.8, 0.9, 1.0),
    "feedback_records": (0, 3, 5),
    "feedback_weight": (0.25, 0.5, 1.0),
}
STYLES = ("keyword", "question", "measure", "pasted")


def macro_ndcg(table: dict[str, dict[str, dict[str, float]]]) -> float:
    """Mean hybrid nDCG@10 over the query styles: no style may pay for another."""
    values = [table[s]["hybrid"]["ndcg@10"] for s in STYLES if s in table]
    return sum(values) / max(len(values), 1)


def tune_fusion(
    searcher: Searcher, queries: Sequence[Query], grades: dict[tuple[str, str], int]
) -> dict[str, object]:
    """Settings tuned on the even-numbered queries of each style, scored on the odd ones."""
    halves: dict[int, list[Query]] = {0: [], 1: []}
    for style in STYLES:
        mine = [q for q in queries if q.style == style]
        for n, q in enumerate(mine):
            halves[n % 2].append(q)

    def table(trial: Searcher, part: Sequence[Query]) -> dict[str, dict[str, dict[str, float]]]:
        return score(run_all(part, {"hybrid": _searcher_run(trial, "hybrid")}), grades)

    best, trials = tune(searcher, lambda t: table(t, halves[0]), grid=GRID, goal=macro_ndcg)  # type: ignore[arg-type]
    confirm = {
        "default": table(searcher, halves[1]),
        "tuned": table(searcher.with_settings(best), halves[1]),
    }
    return {
        "best": {k: v for k, v in vars(best).items() if getattr(DEFAULT, k) != v},
        "trials": trials,
        "confirm": {
            name: {s: {m: x for m, x in t[s]["hybrid"].items() if m != "_ndcg"} for s in t}
            for name, t in confirm.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``pool``, ``merge`` or (default) the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument(
        "step", nargs="?", default="score", choices=("pool", "merge", "score", "tune")
    )
    parser.add_argument("--index", type=Path, default=INDEX)
    parser.add_argument(
        "--tuned-index",
        type=Path,
        default=TUNED_INDEX,
        help="an index built with a tuned model: adds dense-tuned and hybrid-tuned "
        "(skipped when the folder is absent)",
    )
    parser.add_argument("--out", type=Path, help="also write the table as JSON here")
    parser.add_argument(
        "--saved-runs",
        action="store_true",
        help="score the rankings the last run saved (data/quality/runs.jsonl) instead of "
        "searching again: after `pool` and `merge`, the table in seconds",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not (table_present(TIPDM4) and table_present(TIPDM3)):
        return 2
    queries = all_queries()
    if args.step == "merge":
        print(f"added {merge(WORK / 'grades', queries)} grades to {QUALITY}")
        return 0
    if args.step == "score" and args.saved_runs:
        return _print_table(read_jsonl(WORK / "runs.jsonl"), args.out)
    records = dict(read_fujian4(TIPDM4))
    searcher = Searcher.load(args.index)  # with the model that built it (default or tuned)
    if args.step == "tune":
        dev = [q for q in queries if q.split == DEV]  # held-out and confirmation sets: never
        result = tune_fusion(searcher, dev, load_grades())
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    default = load_embedder(None)  # the baseline always uses the default model
    baseline = Baseline.build(list(records.items()), default, cache_dir=Path("data/baseline"))
    tuned = Searcher.load(args.tuned_index) if args.tuned_index.is_dir() else None
    runs = run_all(queries, variants(searcher, baseline, tuned))
    write_jsonl(WORK / "runs.jsonl", runs)
    grades = load_grades()
    if args.step == "pool":
        pending = todo(queries, runs, grades, records)
        write_jsonl(WORK / "todo.jsonl", pending)
        pairs = sum(len(p["candidates"]) for p in pending)  # type: ignore[arg-type]
        print(f"{pairs} pairs to grade over {len(pending)} queries: {WORK / 'todo.jsonl'}")
        return 0
    return _print_table(runs, args.out)


def _print_table(runs: Sequence[dict[str, object]], out: Path | None) -> int:
    table = score(runs, load_grades())
    print(markdown(table))
    if out:
        clean = {s: {v: {m: x for m, x in c.items() if m != "_ndcg"} for v, c in r.items()}
                 for s, r in table.items()}  # fmt: skip
        out.write_text(json.dumps(clean, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
