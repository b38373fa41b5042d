"""Scores of the measure fields beside the spans: actor, dates, amounts, handling.

Over the matched (gold, predicted) pairs of one reply: the actor counts as matched when
one names the other ("区城管局" and "明湖区城管局"; spaces ignored), a gold date or amount
as found when a predicted one contains it or is contained in it. Handling: each predicted
acknowledgment or referral is located in the text and matched to the gold ``other`` spans
by the same overlap rule as measures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.measures_labels import GoldMeasure, OtherSpan
from bench.measures_score import Counts, Span, find_span, match_spans
from index.reply import Handling, Measure

_SPACE_RE = re.compile(r"\s+")


@dataclass
class FieldCounts:
    """Running totals of the field scores of one group."""

    actor_gold: int = 0
    actor_matched: int = 0
    dates_gold: int = 0
    dates_found: int = 0
    amounts_gold: int = 0
    amounts_found: int = 0
    handling: Counts = field(default_factory=Counts)

    def add_pair(self, gold: GoldMeasure, pred: Measure) -> None:
        """One matched pair."""
        if gold.actor:
            self.actor_gold += 1
            self.actor_matched += _names_same(gold.actor, pred.actor)
        self.dates_gold += len(gold.dates)
        self.dates_found += _found(gold.dates, pred.dates)
        self.amounts_gold += len(set(map(_squeeze, gold.amounts)))
        self.amounts_found += len(
            set(map(_squeeze, gold.amounts)) & set(map(_squeeze, pred.amounts))
        )

    def add_handling(self, text: str, pred: Sequence[Handling], gold: Sequence[OtherSpan]) -> None:
        """One reply's acknowledgments and referrals; the kind must agree too (stage slot)."""
        spans, cursor = [], 0
        for h in pred:
            found = find_span(text, h.text, start_at=cursor)
            if found is not None:
                spans.append(Span(found[0], found[1], h.kind))
                cursor = found[1]
        golds = [Span(o.start, o.end, o.type) for o in gold]
        self.handling.add(golds, spans, match_spans(golds, spans))

    @property
    def actor_rate(self) -> float | None:
        """Share of matched pairs with a gold actor whose predicted actor names the same unit."""
        return self.actor_matched / self.actor_gold if self.actor_gold else None

    @property
    def date_recall(self) -> float | None:
        """Share of gold dates (on matched pairs) that a predicted date covers."""
        return self.dates_found / self.dates_gold if self.dates_gold else None

    @property
    def amount_recall(self) -> float | None:
        """Share of gold amounts (on matched pairs) found among the predicted ones."""
        return self.amounts_found / self.amounts_gold if self.amounts_gold else None


def _squeeze(text: str) -> str:
    return _SPACE_RE.sub("", text)


def _names_same(gold: str, pred: str | None) -> bool:
    if not pred:
        return False
    g, p = _squeeze(gold), _squeeze(pred)
    return g in p or p in g


def _found(gold: Sequence[str], pred: Sequence[str]) -> int:
    preds = [_squeeze(p) for p in pred]
    return sum(any(g in p or p in g for p in preds) for g in map(_squeeze, gold))
