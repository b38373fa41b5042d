"""Cross-validation of the measure extractor on its training splits, grouped by item.

Each fold fits the clause and stage models on the other items (``bench.measures_train.fit``),
decodes the held-out items with the extractor's own ``decode_spans`` and scores them with
the benchmark's span rule (``bench.measures_score``). The head threshold of each group is
the one with the best out-of-fold F-beta over all training items (ties: the higher
precision); beta is 0.5 by default, weighing precision twice: a sentence shown to staff as a
measure that is none misleads a draft, a measure missed is still in the reply shown beside it.
The figures are printed for each group over all items and for each split apart, so a change
that helps one split and hurts another shows. These out-of-fold figures, not the in-sample
ones ``python -m bench.measures --split dev`` prints once the weights are fitted, are the
honest estimate.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from bench.measures import counts_row
from bench.measures_score import Counts, Span, fmt, match_spans
from bench.measures_train import (
    DEVELOPMENT_SPLITS,
    TrainItem,
    clause_examples,
    fit,
    stage_examples,
)
from index.measure_model import LinearModel
from index.measures import apply_rules, decode_spans, stages_of

GROUPS = ("formal", "message")
THRESHOLDS = tuple(round(0.15 + 0.05 * k, 2) for k in range(12))  # 0.15 … 0.70


def _folds(n_items: int, folds: int) -> list[list[int]]:
    """Item indices per fold, dealt round-robin (deterministic, no shuffling needed)."""
    return [list(range(k, n_items, folds)) for k in range(min(folds, n_items))]


def out_of_fold(
    items: Sequence[TrainItem], args: argparse.Namespace
) -> tuple[list[list[dict[str, float]]], list[LinearModel]]:
    """Clause probabilities of every item from a model that never saw it; the stage model
    of each item's fold."""
    xs, ys, owner = clause_examples(items)
    sx, sy, sowner = stage_examples(items)
    probs: list[list[dict[str, float]]] = [[] for _ in items]
    stage_models: list[LinearModel | None] = [None] * len(items)
    for held in _folds(len(items), args.folds):
        out = set(held)
        clause = _fit_outside(xs, ys, owner, out, args.c, args)
        stage = _fit_outside(sx, sy, sowner, out, args.stage_c, args)
        for n in held:
            probs[n] = [clause.probabilities(x) for x, o in zip(xs, owner, strict=True) if o == n]
            stage_models[n] = stage
    return probs, [m for m in stage_models if m is not None]


def score(
    items: Sequence[TrainItem],
    probs: Sequence[Sequence[dict[str, float]]],
    stage_models: Sequence[LinearModel] | None,
    thresholds: dict[str, float],
) -> dict[str, Counts]:
    """Span and (when stage models are given) stage counts per group (``formal``,
    ``message``) and per split and group (``dev/message``…)."""
    counts = {g: Counts() for g in GROUPS}
    for n, it in enumerate(items):
        by_split = counts.setdefault(f"{it.split}/{it.group}", Counts())
        adjusted = apply_rules(it.clauses, probs[n], it.group)
        spans = decode_spans(
            it.clauses, adjusted, head_threshold=thresholds[it.group], group=it.group
        )
        stages: list[str] = [""] * len(spans)
        if stage_models is not None:
            stages = list(stages_of(it.text, it.clauses, spans, it.group, stage_models[n]))
        pred = [
            Span(it.clauses[first].start, it.clauses[last].end, stage)
            for (first, last), stage in zip(spans, stages, strict=True)
        ]
        gold = [m.span() for m in it.gold]
        pairs = match_spans(gold, pred)
        counts[it.group].add(gold, pred, pairs)
        by_split.add(gold, pred, pairs)
    return counts


def cross_validate(items: Sequence[TrainItem], args: argparse.Namespace) -> dict[str, Any]:
    """Out-of-fold figures per group at the chosen thresholds, and the thresholds."""
    probs, stage_models = out_of_fold(items, args)
    best: dict[str, tuple[float, float, float]] = {}
    for t in THRESHOLDS:
        counts = score(items, probs, None, dict.fromkeys(GROUPS, t))
        for g in GROUPS:
            key = (counts[g].f_beta(args.beta) or 0.0, counts[g].precision or 0.0, t)
            if g not in best or key[:2] > best[g][:2]:
                best[g] = key
    chosen = {g: best[g][2] for g in GROUPS}
    final = score(items, probs, stage_models, chosen)
    return {
        "folds": args.folds,
        "thresholds": {f"head_{g}": chosen[g] for g in GROUPS},
        "beta": args.beta,
        "groups": {g: counts_row(final[g]) for g in GROUPS},
        "splits": {k: counts_row(final[k]) for k in sorted(final, key=_split_order) if "/" in k},
    }


def _split_order(key: str) -> tuple[int, str]:
    """dev, test, fresh (the order they were drawn), then any other split by name."""
    split = key.split("/")[0]
    return (DEVELOPMENT_SPLITS.index(split) if split in DEVELOPMENT_SPLITS else 99, key)


def print_cv(result: dict[str, Any]) -> None:
    """The out-of-fold table: each group over all items, then each split and group."""
    print(f"out-of-fold ({result['folds']} folds by item over every training item)")
    print("group              items  gold  pred  match  precision  recall  F1     stage acc")
    rows = {**result["groups"], **result.get("splits", {})}
    for g, r in rows.items():
        print(
            f"{g:<18} {r['items']:>5} {r['gold']:>5} {r['pred']:>5} {r['matched']:>6}  "
            f"{fmt(r['precision']):>9}  {fmt(r['recall']):>6}  {fmt(r['f1']):>5}  "
            f"{fmt(r['stage_accuracy']):>9}"
        )
    print("thresholds " + ", ".join(f"{k} {v:.2f}" for k, v in result["thresholds"].items()))
    for g, r in result["groups"].items():
        print(f"  {g}: stages (gold->pred) {r['stage_pairs']}")


def _fit_outside(
    xs: list[Any],
    ys: list[Any],
    owner: list[int],
    out: set[int],
    c: float,
    args: argparse.Namespace,
) -> LinearModel:
    """A model fitted on the examples whose item is not in the held-out fold ``out``."""
    kept = [i for i, o in enumerate(owner) if o not in out]
    return fit(
        [xs[i] for i in kept],
        [ys[i] for i in kept],
        c=c,
        min_weight=args.min_weight,
        formal_weight=args.formal_weight,
    )
