"""Training examples of the title chooser: each gold measure's text, its labeller's title,
the rule title the extractor would write for it, and its candidates.

The rule title is made as ``index.measures`` makes it for a predicted measure — from the
title clause of the clauses the gold span covers to the end of its last clause, with the
clauses before it in its sentence as ``context``, the sentence before as ``previous`` when
it opens its sentence, and the rest of its sentence as ``following`` — so the chooser sees
the candidate it will see at run time. Only development splits are read
(:func:`bench.measures_train.load_train_items` refuses any other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.measures_labels import GoldMeasure
from bench.measures_train import TrainItem, head_of, load_train_items
from index.clauses import Clause
from index.measure_title import make_title
from index.measure_title_rank import candidates
from index.measure_title_rank_features import Candidate
from index.measures import title_clause


@dataclass(frozen=True)
class TitleExample:
    """One gold measure as a ranking problem."""

    item: str
    split: str
    group: str
    text: str
    gold_title: str
    rule_title: str
    candidates: tuple[Candidate, ...]


def rule_title(it: TrainItem, m: GoldMeasure) -> str:
    """The title the rules write for the clauses the gold measure ``m`` covers."""
    clauses = it.clauses
    inside = [i for i, c in enumerate(clauses) if c.start < m.end and c.end > m.start]
    if not inside:
        return make_title(it.text[m.start : m.end])
    first, last = inside[0], inside[-1]
    head = head_of(clauses, inside)
    sentence = clauses[head].sentence
    before = [c.text for c in clauses[:first] if c.sentence == sentence]
    after = [c.text for c in clauses[last + 1 :] if c.sentence == clauses[last].sentence]
    return make_title(
        it.text[clauses[title_clause(clauses, head, last)].start : clauses[last].end],
        context="，".join(before),
        previous="" if before else "，".join(_sentence_before(clauses, first)),
        following="，".join(after),
    )


def _sentence_before(clauses: Sequence[Clause], first: int) -> list[str]:
    """The clauses of the sentence before ``clauses[first]`` (as ``index.measures`` passes)."""
    if first == 0:
        return []
    previous = clauses[first - 1].sentence
    return [c.text for c in clauses[:first] if c.sentence == previous and not c.is_heading]


def load_examples(splits: Sequence[str]) -> list[TitleExample]:
    """Every gold measure of the labelled items of ``splits`` (development splits only)."""
    out = []
    for it in load_train_items(splits=splits):
        for m in it.gold:
            rule = rule_title(it, m)
            text = it.text[m.start : m.end]
            found = tuple(candidates(text, rule_title=rule))
            out.append(TitleExample(it.item, it.split, it.group, text, m.title, rule, found))
    return out
