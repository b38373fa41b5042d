"""Train the title chooser (:mod:`index.measure_title_rank`) and write its weights as JSON.

    python -m bench.title_rank_train            # cross-validate, fit on all, write the JSON
    python -m bench.title_rank_train --cv-only  # print the cross-validated figures only

Training pairs are the gold measures of the development splits (dev, test, fresh): the
gold span's text and the labeller's title. Every candidate of a measure is one example
whose target is its character-F1 with the gold title (pointwise ridge regression); the
chooser takes the best-scored candidate. ``fresh2`` is the held-out split: it is refused
and never read. Word features (``first_w=…``) are kept only when seen in at least
``--min-count`` measures of the training part, so rare words do not memorise items.

The figures are out-of-fold (10 folds grouped by item): per split, the mean char-F1 with
the gold title of (a) the rule title, (b) the learned choice, (c) the best candidate (an
oracle: the ceiling of extractive candidates), and for (a) and (b) the share of titles
that end on a dangling function word or leave a bracket or quote open.
scikit-learn is used here only; the chooser reads the JSON with plain code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bench.measures_train import DEVELOPMENT_SPLITS
from bench.title_rank_data import TitleExample, load_examples
from index.measure_pos import tag
from index.measure_title_rank_features import (
    Features,
    candidate_features,
    char_f1,
    dangles,
    unbalanced,
)
from index.measure_title_rank_model import TITLE_RANK_PATH, TitleRankModel

logger = logging.getLogger(__name__)

HELD_OUT = ("fresh2",)
FOLDS = 10
# A pair is only taught when its two candidates differ this much in char-F1.
MIN_GAP = 0.1
_WORD_FEATURES = ("first_w=", "last_w=", "verb_w=")


def example_features(ex: TitleExample) -> list[Features]:
    """The features of each candidate of one measure."""
    return [candidate_features(c, ex.rule_title) for c in ex.candidates]


def kept_words(feats: Sequence[Sequence[Features]], min_count: int) -> set[str]:
    """Word features seen in at least ``min_count`` measures."""
    counts: Counter[str] = Counter()
    for per_measure in feats:
        counts.update({k for f in per_measure for k in f if k.startswith(_WORD_FEATURES)})
    return {k for k, n in counts.items() if n >= min_count}


def _pruned(f: Features, keep: set[str]) -> Features:
    return {k: v for k, v in f.items() if k in keep or not k.startswith(_WORD_FEATURES)}


def fit(
    exs: Sequence[TitleExample],
    feats: Sequence[Sequence[Features]],
    *,
    alpha: float,
    min_count: int,
) -> TitleRankModel:
    """A pairwise logistic regression: each measure's best candidate (by char-F1 with the
    gold title) against each candidate at least ``MIN_GAP`` worse, feature differences both
    ways, no intercept (a ranking score needs none); ``alpha`` is 1/C."""
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    keep = kept_words(feats, min_count)
    vec = DictVectorizer()
    xs = vec.fit_transform([_pruned(f, keep) for per in feats for f in per])
    wins, losses, at = [], [], 0
    for ex in exs:
        ys = [char_f1(c.text, ex.gold_title) for c in ex.candidates]
        best = max(range(len(ys)), key=lambda k: ys[k], default=0)
        worse = [at + k for k, y in enumerate(ys) if ys[best] - y >= MIN_GAP]
        wins += [at + best] * len(worse)
        losses += worse
        at += len(ys)
    diff = xs[wins] - xs[losses]
    x = sparse.vstack([diff, -diff]).tocsr()
    y = [1] * len(wins) + [0] * len(wins)
    model = LogisticRegression(C=1 / alpha, fit_intercept=False, max_iter=2000).fit(x, y)
    weights = {
        name: float(w)
        for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= 1e-5
    }
    return TitleRankModel(0.0, weights, {"alpha": alpha, "min_count": min_count, "pairs": len(y)})


def choose(model: TitleRankModel, ex: TitleExample, feats: Sequence[Features]) -> str:
    """The chooser's title for one example (its features already made)."""
    if not ex.candidates:
        return ex.text.strip()[:20]
    scores = [model.score(f) for f in feats]
    return ex.candidates[max(range(len(scores)), key=lambda n: scores[n])].text


def out_of_fold(
    exs: Sequence[TitleExample],
    feats: Sequence[Sequence[Features]],
    *,
    alpha: float,
    min_count: int,
) -> list[str]:
    """The learned title of each example, from a model that never saw its item."""
    from sklearn.model_selection import GroupKFold

    chosen = [""] * len(exs)
    groups = [ex.item for ex in exs]
    for train, test in GroupKFold(n_splits=FOLDS).split(exs, groups=groups):
        model = fit(
            [exs[i] for i in train], [feats[i] for i in train], alpha=alpha, min_count=min_count
        )
        for i in test:
            chosen[i] = choose(model, exs[i], feats[i])
    return chosen


def is_broken(title: str) -> bool:
    """Whether a title ends on a dangling function word or leaves a bracket or quote open."""
    words = tag(title)
    return bool(words) and (dangles(*words[-1]) or unbalanced(title))


def report(exs: Sequence[TitleExample], chosen: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per split (and all): mean char-F1 of rule, learned and oracle; broken shares."""
    rows: dict[str, dict[str, float]] = {}
    for split in (*sorted({ex.split for ex in exs}), "all"):
        idx = [i for i, ex in enumerate(exs) if split in ("all", ex.split)]
        n = len(idx)
        rows[split] = {
            "measures": n,
            "rule_f1": sum(char_f1(exs[i].rule_title, exs[i].gold_title) for i in idx) / n,
            "learned_f1": sum(char_f1(chosen[i], exs[i].gold_title) for i in idx) / n,
            "oracle_f1": sum(_oracle(exs[i]) for i in idx) / n,
            "rule_broken": sum(is_broken(exs[i].rule_title) for i in idx) / n,
            "learned_broken": sum(is_broken(chosen[i]) for i in idx) / n,
            "learned_is_rule": sum(chosen[i] == exs[i].rule_title for i in idx) / n,
        }
    return rows


def _oracle(ex: TitleExample) -> float:
    return max((char_f1(c.text, ex.gold_title) for c in ex.candidates), default=0.0)


def print_report(rows: dict[str, dict[str, float]]) -> None:
    """The figures as a table."""
    head = "split   n    rule F1  learned F1  oracle F1  rule broken  learned broken  =rule"
    print(head)
    for split, r in rows.items():
        print(
            f"{split:<6} {r['measures']:>4}  {r['rule_f1']:.3f}    {r['learned_f1']:.3f}"
            f"       {r['oracle_f1']:.3f}      {r['rule_broken']:.3f}        "
            f"{r['learned_broken']:.3f}         {r['learned_is_rule']:.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    """Cross-validate, print the figures and (unless ``--cv-only``) write the weights."""
    parser = argparse.ArgumentParser(prog="python -m bench.title_rank_train")
    parser.add_argument("--cv-only", action="store_true", help="print figures, write nothing")
    parser.add_argument("--splits", default=",".join(DEVELOPMENT_SPLITS))
    parser.add_argument("--alpha", type=float, default=10.0, help="1/C of the regression")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    splits = [s.strip() for s in args.splits.split(",") if s.strip()]
    if refused := sorted(set(splits) & set(HELD_OUT)):
        print(
            f"error: {','.join(refused)} is the held-out split; it is never read here",
            file=sys.stderr,
        )
        return 1
    try:
        exs = load_examples(splits)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    feats = [example_features(ex) for ex in exs]
    chosen = out_of_fold(exs, feats, alpha=args.alpha, min_count=args.min_count)
    rows = report(exs, chosen)
    print(json.dumps(rows, indent=1)) if args.json else print_report(rows)
    if args.cv_only:
        return 0
    model = fit(exs, feats, alpha=args.alpha, min_count=args.min_count)
    meta: dict[str, Any] = {
        **model.meta,
        "splits": splits,
        "measures": len(exs),
        "trained": dt.date.today().isoformat(),
        "out_of_fold": {s: {k: round(v, 4) for k, v in r.items()} for s, r in rows.items()},
    }
    model = TitleRankModel(model.intercept, model.weights, meta)
    TITLE_RANK_PATH.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {TITLE_RANK_PATH} ({len(model.weights)} weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
