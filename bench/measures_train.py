"""Train the measure extractor's weights on the development splits and write them as JSON.

    python -m bench.measures_train            # cross-validate, pick thresholds, fit, write
    python -m bench.measures_train --cv-only  # print the cross-validated figures only
    python -m bench.measures_train --train-splits dev   # fit on some splits only

Only items of the chosen splits are read (``--train-splits``, by default every development
split: dev, test, fresh — all read while writing the rules, so none is unseen). A split drawn
for a final reading (``fresh2``) can never be chosen: it stays unread until the lead scores
it once. The out-of-fold figures (grouped by item over every training item, printed per
split and per group) are the honest estimate. The labelling text of each item is rebuilt the
way the parser builds it (``index.parse.formal_body`` for files, the body cell for rows)
and checked against the sample's sha, so training never depends on an existing model.

Clause labels: a clause belongs to a gold measure when ≥ 50% of it lies inside; the
measure's head (``H``) is its first clause that is not a lead-in (经查，/下一步，/接到投诉后，),
its other clauses are continuations (``C``), clauses outside every measure ``O``.
The head thresholds (one per group) are chosen on out-of-fold predictions (grouped by
item, :mod:`bench.measures_cv`); then both models are fitted on every training item and
written to ``index/data/measure_model.json``, with the cross-validated figures in ``meta``.
scikit-learn is used here only; the extractor reads the JSON with plain code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measures_labels import LABELS_PATH, GoldMeasure, by_item, load_labels
from bench.measures_sample import SAMPLE_PATH, load_sample
from bench.measures_text import SOURCE_ROOTS, SampleItem, check_text
from index.clauses import Clause, split_clauses
from index.measure_features import Features, reply_features
from index.measure_model import MODEL_PATH, LinearModel, MeasureModel
from index.measures import span_stage_features
from index.normalize import normalize_text
from index.parse import formal_body
from index.read import read_file
from index.reply import RawRecord

logger = logging.getLogger(__name__)

# The splits read while writing the rules, and dev2 (90 more replies labelled to train on);
# any other split is held out for a final reading.
DEVELOPMENT_SPLITS = ("dev", "test", "fresh", "dev2")
# The shipped weights fit on the first three: adding dev2 moved out-of-fold message F1 by
# -0.6 / -1.6 / +2.9 points on dev / test / fresh and formal by -1.9 (bench/README, round 5).
TRAIN_SPLITS = ("dev", "test", "fresh")
CLAUSE_CLASSES = ("H", "C", "O")
_LEAD_IN_RE = re.compile(
    r"^(?:经|据|在|自|截至|截止|目前|同时|另外|此外|下一步|下步|今后|接到|收到|对于|针对|根据|按照"
    r"|为了?|通过|随后|近年来|\d{4}年|今年|去年|当天|当日)|(?:后|时|期间|以来|之后|过程中)$"
)
_MAX_LEAD_IN = 20
_MIN_EXAMPLES = 2


@dataclass(frozen=True)
class TrainItem:
    """One training item: its split, group, text, clauses and gold measures (reading order)."""

    item: str
    split: str
    group: str
    text: str
    clauses: tuple[Clause, ...]
    gold: tuple[GoldMeasure, ...]


def load_train_items(
    sample: Path = SAMPLE_PATH,
    labels: Path = LABELS_PATH,
    splits: Sequence[str] = TRAIN_SPLITS,
) -> list[TrainItem]:
    """Every labelled item of ``splits`` (development splits only: a ValueError otherwise);
    raises when a text no longer matches its sha."""
    if unknown := sorted(set(splits) - set(DEVELOPMENT_SPLITS)):
        raise ValueError(
            f"--train-splits {','.join(unknown)}: only development splits "
            f"({', '.join(DEVELOPMENT_SPLITS)}) may be read for training"
        )
    items = [it for it in load_sample(sample) if it.split in splits]
    gold = by_item(load_labels(labels))
    texts = _texts(items)
    out = []
    for it in items:
        if it.item not in gold:
            continue
        if problem := check_text(it, texts[it.item]):
            raise ValueError(problem)
        measures = tuple(sorted(gold[it.item].gold.measures, key=lambda m: (m.start, m.end)))
        text = texts[it.item]
        out.append(TrainItem(it.item, it.split, it.group, text, split_clauses(text), measures))
    return out


def _texts(items: Sequence[SampleItem]) -> dict[str, str]:
    """The labelling text of each item, read without running the extractor."""
    by_file: dict[tuple[str, str], list[SampleItem]] = {}
    for it in items:
        by_file.setdefault((it.source, it.path), []).append(it)
    out: dict[str, str] = {}
    for (source, rel), group in by_file.items():
        path = SOURCE_ROOTS[source] / rel
        bodies: dict[str, str] = {}
        for raw in read_file(path, root=path.parent):
            if isinstance(raw, RawRecord):
                doc_id, body = _doc_body(raw)
                bodies[doc_id] = body
        for it in group:
            if it.doc_id not in bodies:
                raise KeyError(f"{it.item}: doc_id {it.doc_id!r} is not in {path}")
            out[it.item] = normalize_text(bodies[it.doc_id])
    return out


def _doc_body(raw: RawRecord) -> tuple[str, str]:
    if raw.fields:
        doc_id = raw.fields.get("id") or f"{raw.source.path}#{raw.source.row}"
        return doc_id, raw.fields.get("body", raw.text)
    return raw.source.path, formal_body(raw.text)


def clause_labels(clauses: Sequence[Clause], gold: Sequence[GoldMeasure]) -> list[str]:
    """H / C / O for each clause (see the module docstring)."""
    labels = ["O"] * len(clauses)
    for m in gold:
        inside = [
            i
            for i, c in enumerate(clauses)
            if min(c.end, m.end) - max(c.start, m.start) >= 0.5 * (c.end - c.start)
        ]
        for i in inside:
            labels[i] = "C"
        if inside:
            labels[head_of(clauses, inside)] = "H"
    return labels


def head_of(clauses: Sequence[Clause], inside: Sequence[int]) -> int:
    """The first clause of a gold measure that is not a lead-in (else its last clause)."""
    for i in inside[:-1]:
        text = clauses[i].text
        if not (len(text) <= _MAX_LEAD_IN and _LEAD_IN_RE.search(text)):
            return i
    return inside[-1]


def clause_examples(items: Sequence[TrainItem]) -> tuple[list[Features], list[str], list[int]]:
    """Features, labels and item index of every clause."""
    xs, ys, groups = [], [], []
    for n, it in enumerate(items):
        labels = clause_labels(it.clauses, it.gold)
        xs += reply_features(it.clauses, it.group)
        ys += labels
        groups += [n] * len(labels)
    return xs, ys, groups


def stage_example(it: TrainItem, head: int, last: int) -> Features:
    """Stage features of clauses ``head..last`` exactly as the extractor computes them."""
    return span_stage_features(it.text, it.clauses, head, last, it.group)


def stage_examples(items: Sequence[TrainItem]) -> tuple[list[Features], list[str], list[int]]:
    """One example per gold measure, cut from its head clause as at run time."""
    xs, ys, groups = [], [], []
    for n, it in enumerate(items):
        labels = clause_labels(it.clauses, it.gold)
        for m in it.gold:
            inside = [i for i, c in enumerate(it.clauses) if c.start < m.end and c.end > m.start]
            if not inside:
                continue
            first = next((i for i in inside if labels[i] == "H"), inside[0])
            xs.append(stage_example(it, first, inside[-1]))
            ys.append(m.stage)
            groups.append(n)
    return xs, ys, groups


def fit(
    xs: Sequence[Features],
    ys: Sequence[str],
    *,
    c: float,
    min_weight: float,
    formal_weight: float = 1.0,
) -> LinearModel:
    """A multinomial logistic regression as a :class:`LinearModel` (tiny weights dropped).

    Formal replies are few (10 of 199 development items) and their genre differs; ``formal_weight``
    counts each of their examples that many times so the model does not drown them.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    matrix = vec.fit_transform(xs)
    # A feature seen in one example only cannot generalise; dropping it keeps the file small.
    seen = (matrix != 0).sum(axis=0).A1 >= _MIN_EXAMPLES
    vec.restrict(seen)
    # newton-cg: the same optimum as lbfgs here, twenty times faster on these sparse features.
    clf = LogisticRegression(C=c, max_iter=1000, solver="newton-cg")
    sample_weight = [formal_weight if x.get("g=formal") else 1.0 for x in xs]
    clf.fit(matrix[:, seen], list(ys), sample_weight=sample_weight)
    classes = tuple(str(k) for k in clf.classes_)
    rows = [[float(w) for w in row] for row in clf.coef_]
    intercept: tuple[float, ...] = tuple(float(b) for b in clf.intercept_)
    if len(classes) == 2:  # binary: scikit-learn keeps one row, for the second class
        rows = [[0.0] * len(rows[0]), rows[0]]
        intercept = (0.0, intercept[0])
    return LinearModel(classes, intercept, _kept(vec.get_feature_names_out(), rows, min_weight))


def _kept(
    names: Sequence[str], rows: list[list[float]], min_weight: float
) -> dict[str, tuple[float, ...]]:
    """Each feature's weights, dropping those whose largest weight is under ``min_weight``."""
    return {
        str(name): tuple(row[j] for row in rows)
        for j, name in enumerate(names)
        if max(abs(row[j]) for row in rows) >= min_weight
    }


def build_model(
    items: Sequence[TrainItem], thresholds: dict[str, float], args: argparse.Namespace
) -> MeasureModel:
    """Both models fitted on every training item."""
    import sklearn

    xs, ys, _ = clause_examples(items)
    sx, sy, _ = stage_examples(items)
    meta: dict[str, Any] = {
        "trained_on": f"{'+'.join(args.train_splits)} splits of bench/data/measures_sample.json, "
        f"{len(items)} items",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scikit_learn": sklearn.__version__,
        "clause_c": args.c,
        "stage_c": args.stage_c,
        "formal_weight": args.formal_weight,
        "clauses": len(xs),
        "stage_examples": len(sx),
    }
    return MeasureModel(
        clause=fit(xs, ys, c=args.c, min_weight=args.min_weight, formal_weight=args.formal_weight),
        stage=fit(
            sx, sy, c=args.stage_c, min_weight=args.min_weight, formal_weight=args.formal_weight
        ),
        thresholds=thresholds,
        meta=meta,
    )


def main(argv: list[str] | None = None) -> int:
    """Cross-validate, choose thresholds, fit on all training items and write the JSON."""
    from bench.measures_cv import cross_validate, print_cv

    parser = argparse.ArgumentParser(prog="python -m bench.measures_train")
    parser.add_argument("--c", type=float, default=1.0, help="clause model C")
    parser.add_argument("--stage-c", type=float, default=1.0, help="stage model C")
    parser.add_argument("--formal-weight", type=float, default=1.0)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument(
        "--beta",
        type=float,
        default=0.5,
        help="head thresholds maximise out-of-fold F-beta (0.5: precision counts twice; 1: F1)",
    )
    parser.add_argument("--min-weight", type=float, default=0.05)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument(
        "--train-splits",
        type=lambda v: tuple(x for x in v.split(",") if x),
        default=TRAIN_SPLITS,
        help=f"comma-separated splits to fit on (default {','.join(TRAIN_SPLITS)})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        items = load_train_items(splits=args.train_splits)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    result = cross_validate(items, args)
    print_cv(result)
    if args.cv_only:
        return 0
    model = build_model(items, result["thresholds"], args)
    model = MeasureModel(model.clause, model.stage, model.thresholds, {**model.meta, "cv": result})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_dict(), ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
