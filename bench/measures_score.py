"""Span matching and scores for measure extraction (pure functions, no data needed).

Overlap rule: a predicted span matches a gold span when their character overlap is at
least ``min_share`` (default 0.5) of the shorter of the two (of the longer of the two with
``share_of="longer"``, a stricter check reported beside the default). Matching is one-to-one and
greedy: all overlapping pairs that pass the rule, largest overlap first (ties: earlier gold
span, then earlier predicted span), each span used at most once. A long predicted span that
covers three gold measures matches one of them; the other two are misses.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_SHARE = 0.5
# The share is of the shorter span: lenient to a short fragment inside a long gold measure
# ("协调" matches a 40-character measure). ``"longer"`` asks the share of the longer span
# too, so a fragment or an over-long span fails; bench.measures reports it on request.
SHARE_OF = "shorter"
SHARE_RULES = ("shorter", "longer")
_SPACE_RE = re.compile(r"\s")


@dataclass(frozen=True)
class Span:
    """A [start, end) stretch of a reply text, with the stage and title given to it."""

    start: int
    end: int
    stage: str = ""
    title: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"a span needs 0 ≤ start < end, got [{self.start}, {self.end})")

    @property
    def length(self) -> int:
        """Characters covered."""
        return self.end - self.start


def overlap(a: Span, b: Span) -> int:
    """Characters shared by two spans."""
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def spans_match(
    a: Span, b: Span, *, min_share: float = MIN_SHARE, share_of: str = SHARE_OF
) -> bool:
    """True when ``a`` and ``b`` overlap by ≥ ``min_share`` of the shorter one (of the
    longer one with ``share_of="longer"``, the stricter check: see ``SHARE_OF``)."""
    if share_of not in SHARE_RULES:
        raise ValueError(f"share_of must be one of {SHARE_RULES}, got {share_of!r}")
    shared = overlap(a, b)
    pick = min if share_of == "shorter" else max
    return shared > 0 and shared >= min_share * pick(a.length, b.length)


def match_spans(
    gold: Sequence[Span],
    pred: Sequence[Span],
    *,
    min_share: float = MIN_SHARE,
    share_of: str = SHARE_OF,
) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs, greedy by overlap (module docstring)."""
    candidates = [
        (-overlap(g, p), i, j)
        for i, g in enumerate(gold)
        for j, p in enumerate(pred)
        if spans_match(g, p, min_share=min_share, share_of=share_of)
    ]
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


@dataclass
class Counts:
    """Running totals for precision, recall and stage accuracy over many replies."""

    items: int = 0
    gold: int = 0
    pred: int = 0
    matched: int = 0
    stages: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(
        self, gold: Sequence[Span], pred: Sequence[Span], pairs: Sequence[tuple[int, int]]
    ) -> None:
        """Count one reply's gold and predicted spans and their matched pairs."""
        self.items += 1
        self.gold += len(gold)
        self.pred += len(pred)
        self.matched += len(pairs)
        self.stages.update((gold[i].stage, pred[j].stage) for i, j in pairs)

    @property
    def precision(self) -> float | None:
        """Matched / predicted (None when nothing was predicted)."""
        return self.matched / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        """Matched / gold (None when there is no gold span)."""
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (symmetric: usable as agreement)."""
        total = self.gold + self.pred
        return 2 * self.matched / total if total else None

    def f_beta(self, beta: float) -> float | None:
        """F-beta: beta < 1 weighs precision more (None when nothing was predicted or gold)."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0

    @property
    def stage_accuracy(self) -> float | None:
        """Share of matched pairs whose stages are the same."""
        n = sum(self.stages.values())
        return sum(c for (g, p), c in self.stages.items() if g == p) / n if n else None


def cohen_kappa(pairs: Counter[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels given as a Counter of (a, b) pairs."""
    n = sum(pairs.values())
    if not n:
        return None
    observed = sum(c for (a, b), c in pairs.items() if a == b) / n
    left: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for (a, b), c in pairs.items():
        left[a] += c
        right[b] += c
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def find_span(text: str, snippet: str, *, start_at: int = 0) -> tuple[int, int] | None:
    """Where ``snippet`` (a measure's text) lies in ``text``, robust to normalisation.

    Tried in turn: an exact match at or after ``start_at`` (reading order), then anywhere;
    a match ignoring whitespace; the longest common block, if it holds ≥ half of the
    snippet, stretched to the snippet's length around it. None when all fail.
    """
    snippet = snippet.strip()
    if not snippet:
        return None
    for origin in (start_at, 0):
        pos = text.find(snippet, origin)
        if pos >= 0:
            return pos, pos + len(snippet)
    return _find_ignoring_space(text, snippet) or _find_by_block(text, snippet)


def _find_ignoring_space(text: str, snippet: str) -> tuple[int, int] | None:
    keep = [i for i, ch in enumerate(text) if not _SPACE_RE.match(ch)]
    squeezed = "".join(text[i] for i in keep)
    target = _SPACE_RE.sub("", snippet)
    pos = squeezed.find(target) if target else -1
    return (keep[pos], keep[pos + len(target) - 1] + 1) if pos >= 0 else None


def _find_by_block(text: str, snippet: str) -> tuple[int, int] | None:
    matcher = difflib.SequenceMatcher(None, text, snippet, autojunk=False)
    block = matcher.find_longest_match(0, len(text), 0, len(snippet))
    if block.size * 2 < len(snippet):
        return None
    start = max(0, block.a - block.b)
    return start, min(len(text), start + len(snippet))


def fmt(value: float | None) -> str:
    """A score as 0.000, or – when undefined."""
    return "–" if value is None else f"{value:.3f}"
