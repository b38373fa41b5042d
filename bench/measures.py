"""Score the measure extractor against the labelled sample, formal and message replies apart.

    python -m bench.measures [--split test|dev|fresh|fresh2|all] [--min-share 0.5]
                             [--share-of longer] [--json]
    python -m bench.measures --check      # validate every label line against its text

Each labelled item of the split is read again with the project's readers and parsed with
``index.parse.parse_record``; every ``Measure.text`` is located in the labelling text
(``bench.measures_score.find_span``) and compared with the gold spans (the overlap rule in
``bench.measures_score``; ``--share-of longer`` is its stricter variant). Printed per
group (formal / message): items, gold and predicted measures, matched pairs, span
precision / recall / F1, stage accuracy over matched pairs
(three stages: done / ongoing / planned; the confusion is printed), and over matched pairs
the actor match rate, date and amount recall (``bench.measures_fields``); predictions on
referral/ack text; the reply's ``handling`` (ack/referral) against the gold ``other``
spans, same overlap rule, the kind in the stage slot. The weights the extractor reads
were fitted on the dev split (``python -m bench.measures_train``), so ``--split dev``
figures are in-sample: the out-of-fold ones are in ``index/data/measure_model.json``.
``--split fresh`` (and ``fresh2``, any split the sample holds) scores the items appended by
``python -m bench.measures_sample --extend [--split NAME]``, drawn after the rules were written;
``all`` includes them.
The matched (gold title, predicted title, span text) triples go to
``data/measures/titles_to_judge.jsonl`` for reviewers to judge title usability. Agreement
(labeller B against A, same rule) is over every item labelled twice, whatever the split: it
does not involve the extractor.

Exit 2 with a message when no labels exist yet or the shared corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.devset import table_present
from bench.measures_fields import FieldCounts
from bench.measures_labels import (
    LABELS_PATH,
    GoldMeasure,
    ItemLabels,
    LabelError,
    by_item,
    load_labels,
    offset_problems,
)
from bench.measures_report import print_report
from bench.measures_sample import SAMPLE_PATH, load_sample
from bench.measures_score import (
    MIN_SHARE,
    SHARE_OF,
    SHARE_RULES,
    Counts,
    Span,
    cohen_kappa,
    find_span,
    match_spans,
    overlap,
)
from bench.measures_text import (
    REPO,
    SOURCE_ROOTS,
    SampleItem,
    check_text,
    labelling_text,
    load_item_replies,
)
from index.reply import Measure, Reply

logger = logging.getLogger(__name__)

TITLES_PATH = REPO / "data" / "measures" / "titles_to_judge.jsonl"
GROUPS = ("formal", "message")


@dataclass
class GroupScore:
    """The extractor's scores on one group of replies."""

    counts: Counts = field(default_factory=Counts)
    unlocated: int = 0
    on_other: int = 0
    fields: FieldCounts = field(default_factory=FieldCounts)


def predicted_spans(reply: Reply, text: str) -> tuple[list[Span], list[Measure], int]:
    """Spans of the extractor's measures in ``text`` (reading order) and how many were lost."""
    spans, measures, lost, cursor = [], [], 0, 0
    for m in reply.measures:
        found = find_span(text, m.text, start_at=cursor)
        if found is None:
            lost += 1
            logger.warning("%s: measure %r not found in the reply text", reply.doc_id, m.title)
            continue
        spans.append(Span(found[0], found[1], m.stage, m.title))
        measures.append(m)
        cursor = found[1]
    return spans, measures, lost


def score_item(
    score: GroupScore,
    item: SampleItem,
    gold: ItemLabels,
    reply: Reply,
    *,
    min_share: float,
    share_of: str = SHARE_OF,
) -> list[dict[str, Any]]:
    """Add one item to ``score``; return its title triples for judging."""
    text = labelling_text(reply)
    gold_measures = sorted(gold.gold.measures, key=lambda m: (m.start, m.end))
    gold_spans = [m.span() for m in gold_measures]
    pred, measures, lost = predicted_spans(reply, text)
    pairs = match_spans(gold_spans, pred, min_share=min_share, share_of=share_of)
    score.counts.add(gold_spans, pred, pairs)
    score.counts.pred += lost
    score.unlocated += lost
    matched_pred = {j for _, j in pairs}
    others = [Span(o.start, o.end) for o in gold.gold.other]
    score.on_other += sum(
        1
        for j, p in enumerate(pred)
        if j not in matched_pred and any(overlap(p, o) * 2 >= p.length for o in others)
    )
    for i, j in pairs:
        score.fields.add_pair(gold_measures[i], measures[j])
    score.fields.add_handling(text, reply.handling, gold.gold.other)
    return [_triple(item, text, gold_measures[i], pred[j]) for i, j in pairs]


def _triple(item: SampleItem, text: str, gold: GoldMeasure, pred: Span) -> dict[str, Any]:
    """A matched pair for judging title usability (``usable`` is for the reviewer)."""
    return {
        "item": item.item,
        "group": item.group,
        "gold_title": gold.title,
        "pred_title": pred.title,
        "span_text": text[gold.start : gold.end],
        "gold_span": [gold.start, gold.end],
        "pred_span": [pred.start, pred.end],
        "usable": None,
    }


def agreement(
    labelled: dict[str, ItemLabels],
    items: Sequence[SampleItem],
    min_share: float,
    share_of: str = SHARE_OF,
) -> dict[str, Counts]:
    """B against A, per group, over every item with two labellers."""
    out = {g: Counts() for g in GROUPS}
    for it in items:
        lab = labelled.get(it.item)
        if lab is None or lab.second is None:
            continue
        a, b = lab.first.spans(), lab.second.spans()
        out[it.group].add(a, b, match_spans(a, b, min_share=min_share, share_of=share_of))
    return out


def counts_row(c: Counts) -> dict[str, Any]:
    """One group's counts and scores as a JSON-ready dict."""
    return {
        "items": c.items,
        "gold": c.gold,
        "pred": c.pred,
        "matched": c.matched,
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
        "stage_accuracy": c.stage_accuracy,
        "stage_pairs": {f"{g}->{p}": n for (g, p), n in sorted(c.stages.items())},
    }


def report(scores: dict[str, GroupScore], agree: dict[str, Counts]) -> dict[str, Any]:
    """The printed results as one JSON-ready dict."""
    out: dict[str, Any] = {"extractor": {}, "agreement": {}}
    for g in GROUPS:
        s = scores[g]
        handling = counts_row(s.fields.handling)
        out["extractor"][g] = {
            **counts_row(s.counts),
            "unlocated": s.unlocated,
            "pred_on_referral_or_ack": s.on_other,
            "amount_recall": s.fields.amount_recall,
            "actor_match": s.fields.actor_rate,
            "date_recall": s.fields.date_recall,
            "handling": {k: handling[k] for k in ("gold", "pred", "precision", "recall")}
            | {"kind_accuracy": handling["stage_accuracy"]},
        }
        a = agree[g]
        out["agreement"][g] = {**counts_row(a), "stage_kappa": cohen_kappa(a.stages)}
    return out


def _prepare(args: argparse.Namespace) -> tuple[list[SampleItem], dict[str, ItemLabels]] | int:
    """Sample and labels, or the exit code after saying what is missing."""
    try:
        items = load_sample(args.sample)
        labels = load_labels(args.labels)
        labelled = by_item(labels)
    except (FileNotFoundError, LabelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.split not in (splits := {it.split for it in items} | {"all"}):
        print(
            f"error: --split {args.split}: the sample holds no such split; "
            f"choose one of {', '.join(sorted(splits))}",
            file=sys.stderr,
        )
        return 1
    if not labels:
        print(
            f"no labels yet: {args.labels} holds none; label the packets first "
            "(bench/MEASURES_LABELLING.md)",
            file=sys.stderr,
        )
        return 2
    if unknown := sorted(set(labelled) - {it.item for it in items}):
        print(f"error: labels for items not in the sample: {', '.join(unknown)}", file=sys.stderr)
        return 1
    shared = {SOURCE_ROOTS[it.source] / it.path for it in items if it.source != "corpus"}
    if not all(table_present(p) for p in sorted(shared)):
        return 2
    return items, labelled


def _text_problems(
    items: Sequence[SampleItem], replies: dict[str, Reply], labelled: dict[str, ItemLabels]
) -> list[str]:
    problems = []
    for it in items:
        text = labelling_text(replies[it.item])
        if changed := check_text(it, text):
            problems.append(changed)
        lab = labelled[it.item]
        for labels in {id(x): x for x in (lab.gold, lab.first, lab.second) if x}.values():
            problems += offset_problems(labels, text)
    return problems


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def main(argv: list[str] | None = None) -> int:
    """Score the extractor (and the labellers' agreement); print the tables or JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.measures")
    # any split the sample holds (extensions add new ones), checked once the sample is read
    parser.add_argument("--split", default="test", help="dev, test, fresh, fresh2, … or all")
    parser.add_argument("--min-share", type=float, default=MIN_SHARE)
    parser.add_argument(
        "--share-of",
        choices=SHARE_RULES,
        default=SHARE_OF,
        help="the overlap is a share of the shorter span (default) or of the longer (stricter)",
    )
    parser.add_argument("--sample", type=Path, default=SAMPLE_PATH)
    parser.add_argument("--labels", type=Path, default=LABELS_PATH)
    parser.add_argument("--titles-out", type=Path, default=TITLES_PATH)
    parser.add_argument("--check", action="store_true", help="only validate the labels")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    items, labelled = prepared
    mine = [it for it in items if it.item in labelled]
    replies = load_item_replies(mine)
    if problems := _text_problems(mine, replies, labelled):
        print("error: labels do not fit their texts:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    if args.check:
        twice = sum(lab.second is not None for lab in labelled.values())
        print(f"ok: {len(labelled)} items labelled ({twice} twice); all labels fit their texts")
        return 0
    scores = {g: GroupScore() for g in GROUPS}
    triples: list[dict[str, Any]] = []
    for it in mine:
        if args.split in ("all", it.split):
            gold = labelled[it.item]
            triples += score_item(
                scores[it.group],
                it,
                gold,
                replies[it.item],
                min_share=args.min_share,
                share_of=args.share_of,
            )
    result = report(scores, agreement(labelled, mine, args.min_share, args.share_of))
    _write_jsonl(args.titles_out, triples)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print_report(result, split=args.split, min_share=args.min_share, share_of=args.share_of)
        print(f"\n{len(triples)} matched titles to judge -> {args.titles_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
