"""Do contextual clause vectors beat the clause model's cheap features? (issue 10 experiment)

    python -m bench.measures_ctx_encode   # once: cache the vectors (data/measures_ctx/)
    python -m bench.measures_ctx_cv       # out-of-fold comparison, message replies

Same items (dev, test, fresh, dev2; never fresh2), same 10 folds by item, same decode
(``apply_rules``, ``decode_spans``) and span scoring as ``bench.measures_cv``. Compared:

- ``a``: the clause model as trained today (``bench.measures_cv.out_of_fold``);
- ``a*``: the same cheap features through this script's own fit (no weight pruning), the
  control for ``b`` (at each C tried);
- ``b``: cheap features + the contextual vectors (z-scored over all clauses, times a scale);
- ``c``: the contextual vectors alone (plus a bias and the group).

The stage model is the cheap one of each fold for every variant. Each variant's head
threshold is chosen out-of-fold for F0.5 and for F1, as ``bench.measures_cv`` does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from bench.measures import counts_row
from bench.measures_ctx_encode import load_vectors
from bench.measures_cv import GROUPS, THRESHOLDS, _folds, out_of_fold, score
from bench.measures_score import Counts, fmt
from bench.measures_train import (
    DEVELOPMENT_SPLITS,
    TrainItem,
    clause_examples,
    load_train_items,
)
from index.measure_features import Features
from index.measure_model import LinearModel

Probs = list[list[dict[str, float]]]
_MIN_EXAMPLES = 2


def dense_rows(items: Sequence[TrainItem]) -> np.ndarray:
    """The cached vectors of every clause, in ``clause_examples`` order, z-scored per
    dimension over all clauses (label-free, so no fold leaks labels)."""
    cache = load_vectors()
    dense = np.concatenate([cache.of(it) for it in items])
    return (dense - dense.mean(axis=0)) / np.maximum(dense.std(axis=0), 1e-6)


def _matrix(
    xs: Sequence[Features], kept: Sequence[int], dense: np.ndarray | None, scale: float
) -> tuple[Any, Any]:
    """The sparse cheap features (vocabulary of the training rows, seen twice) hstacked
    with the scaled dense rows; returns the vectoriser (or None) and the full matrix."""
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer()
    vec.fit([xs[i] for i in kept])
    m = vec.transform(xs)
    seen = (m[kept] != 0).sum(axis=0).A1 >= _MIN_EXAMPLES
    m = m[:, seen]
    if dense is not None:
        m = sparse.hstack([m, sparse.csr_matrix(dense * scale)]).tocsr()
    return vec, m


def oof_probs(
    items: Sequence[TrainItem],
    *,
    dense: np.ndarray | None,
    scale: float,
    c: float,
    cheap: bool = True,
    folds: int = 10,
) -> Probs:
    """Out-of-fold clause probabilities from a logistic regression over the chosen inputs."""
    from sklearn.linear_model import LogisticRegression

    xs, ys, owner = clause_examples(items)
    if not cheap:
        xs = [{k: v for k, v in x.items() if k == "bias" or k.startswith("g=")} for x in xs]
    probs: Probs = [[] for _ in items]
    own = np.asarray(owner)
    for held in _folds(len(items), folds):
        out = np.isin(own, held)
        kept = [int(i) for i in np.flatnonzero(~out)]
        _, m = _matrix(xs, kept, dense, scale)
        clf = LogisticRegression(C=c, max_iter=2000, solver="lbfgs")
        clf.fit(m[kept], [ys[i] for i in kept])
        held_rows = np.flatnonzero(out)
        p = clf.predict_proba(m[held_rows])
        classes = [str(k) for k in clf.classes_]
        for r, row in zip(held_rows, p, strict=True):
            probs[owner[r]].append(dict(zip(classes, map(float, row), strict=True)))
    return probs


def evaluate(
    items: Sequence[TrainItem], probs: Probs, stage_models: Sequence[LinearModel], beta: float
) -> tuple[dict[str, float], dict[str, Counts]]:
    """Thresholds chosen out-of-fold for F-beta (ties: higher precision), then the counts."""
    best: dict[str, tuple[float, float, float]] = {}
    for t in THRESHOLDS:
        counts = score(items, probs, None, dict.fromkeys(GROUPS, t))
        for g in GROUPS:
            key = (counts[g].f_beta(beta) or 0.0, counts[g].precision or 0.0, t)
            if g not in best or key[:2] > best[g][:2]:
                best[g] = key
    chosen = {g: best[g][2] for g in GROUPS}
    return chosen, score(items, probs, stage_models, chosen)


def print_rows(name: str, chosen: dict[str, float], counts: dict[str, Counts], beta: float) -> None:
    """One line per message split: P / R / F1 (and the head threshold used)."""
    keys = ["message"] + [f"{s}/message" for s in DEVELOPMENT_SPLITS]
    cells = []
    for k in keys:
        r = counts_row(counts[k])
        cells.append(f"{fmt(r['precision'])}/{fmt(r['recall'])}/{fmt(r['f1'])}")
    print(f"{name:<22} F{beta:<3} t={chosen['message']:.2f}  " + "  ".join(cells))


def main(argv: list[str] | None = None) -> int:
    """Run the variants and print message P/R/F1 overall and per split."""
    parser = argparse.ArgumentParser(prog="python -m bench.measures_ctx_cv")
    parser.add_argument("--scales", default="0.03,0.1,0.3", help="scales of the z-scored vectors")
    parser.add_argument("--cs", default="1", help="C values of the logistic regression")
    parser.add_argument("--skip-alone", action="store_true", help="skip variant c")
    args = parser.parse_args(argv)
    items = load_train_items(splits=DEVELOPMENT_SPLITS)
    dense = dense_rows(items)
    cv_args = argparse.Namespace(folds=10, c=1.0, stage_c=1.0, min_weight=0.05, formal_weight=1.0)
    base, stage_models = out_of_fold(items, cv_args)
    variants: list[tuple[str, Probs]] = [("a  clause model", base)]
    variants.append(("a* cheap C=1", oof_probs(items, dense=None, scale=0, c=1.0)))
    for c in (float(x) for x in args.cs.split(",")):
        if c != 1.0:  # the control: is a gain the vectors', or only the new C's?
            variants.append((f"a* cheap C={c:g}", oof_probs(items, dense=None, scale=0, c=c)))
        for s in (float(x) for x in args.scales.split(",")):
            probs = oof_probs(items, dense=dense, scale=s, c=c)
            variants.append((f"b  +ctx s={s:g} C={c:g}", probs))
        if not args.skip_alone:
            probs = oof_probs(items, dense=dense, scale=1.0, c=c, cheap=False)
            variants.append((f"c  ctx alone C={c:g}", probs))
    print_table(items, variants, stage_models, f"out-of-fold, {len(items)} items")
    return 0


def print_table(
    items: Sequence[TrainItem],
    variants: Sequence[tuple[str, Probs]],
    stage_models: Sequence[LinearModel],
    what: str,
) -> None:
    """Each variant's message P/R/F1 at the F0.5 and at the F1 threshold, per split."""
    head = "  ".join(f"{k:<17}" for k in ["all", *DEVELOPMENT_SPLITS])
    print(f"message P/R/F1 {what}; columns: {head}")
    for beta in (0.5, 1.0):
        for name, probs in variants:
            chosen, counts = evaluate(items, probs, stage_models, beta)
            print_rows(name, chosen, counts, beta)


if __name__ == "__main__":
    sys.exit(main())
