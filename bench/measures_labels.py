"""Measure labels: ``bench/data/measure_labels.jsonl``, one line per item and labeller.

    {"item": "m012", "labeller": "A",
     "measures": [{"start": 65, "end": 101, "title": "责令安装油烟净化设施", "stage": "done",
                   "actor": "明湖区综合行政执法局", "amounts": [], "dates": ["7日内"]}],
     "other": [{"start": 6, "end": 14, "type": "ack"}]}

Offsets are into the item's labelling text (``bench.measures_text.labelling_text``),
end exclusive. An item with no measure still gets a line (``"measures": []``) so it counts
as labelled. The first two labellers of an item (in file order) are A and B; a line whose
labeller is ``adjudicated`` is the gold label when present, else A's line is.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measures_score import Span
from bench.measures_text import REPO

LABELS_PATH = REPO / "bench" / "data" / "measure_labels.jsonl"
STAGES = ("done", "planned", "ongoing")
OTHER_TYPES = ("referral", "ack")
MAX_TITLE = 20
ADJUDICATED = "adjudicated"


class LabelError(ValueError):
    """A label line that breaks the schema; the message says which line and what to fix."""


@dataclass(frozen=True)
class GoldMeasure:
    """One labelled measure."""

    start: int
    end: int
    title: str
    stage: str
    actor: str | None = None
    amounts: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()

    def span(self) -> Span:
        """The measure as a scoring span."""
        return Span(self.start, self.end, self.stage, self.title)


@dataclass(frozen=True)
class OtherSpan:
    """A labelled stretch that is not a measure but keeps the handling path: referral or ack."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Labels:
    """All labels one labeller gave one item."""

    item: str
    labeller: str
    measures: tuple[GoldMeasure, ...]
    other: tuple[OtherSpan, ...] = ()

    def spans(self) -> list[Span]:
        """The measures as scoring spans, in reading order."""
        return sorted((m.span() for m in self.measures), key=lambda s: (s.start, s.end))


def _offsets(obj: dict[str, Any], where: str) -> tuple[int, int]:
    start, end = obj.get("start"), obj.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
        raise LabelError(f"{where}: start and end must be integers with 0 ≤ start < end")
    return start, end


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise LabelError(f'{where}: "{name}" must be a list of strings, e.g. ["50万元"]')
    return tuple(value)


def parse_measure(obj: dict[str, Any], where: str) -> GoldMeasure:
    """One entry of ``measures``, checked."""
    start, end = _offsets(obj, where)
    title, stage, actor = obj.get("title"), obj.get("stage"), obj.get("actor")
    if not isinstance(title, str) or not title.strip():
        raise LabelError(f"{where}: give a title (the action and its object)")
    if len(title) > MAX_TITLE:
        raise LabelError(f"{where}: title {title!r} has {len(title)} chars; keep ≤ {MAX_TITLE}")
    if stage not in STAGES:
        raise LabelError(f"{where}: stage {stage!r} must be one of {', '.join(STAGES)}")
    if actor is not None and not isinstance(actor, str):
        raise LabelError(f"{where}: actor must be a string as written, or null")
    amounts = _strings(obj.get("amounts"), where, "amounts")
    dates = _strings(obj.get("dates"), where, "dates")
    return GoldMeasure(start, end, title.strip(), stage, actor or None, amounts, dates)


def parse_other(obj: dict[str, Any], where: str) -> OtherSpan:
    """One entry of ``other``, checked."""
    start, end = _offsets(obj, where)
    if obj.get("type") not in OTHER_TYPES:
        raise LabelError(f"{where}: type must be one of {', '.join(OTHER_TYPES)}")
    return OtherSpan(start, end, obj["type"])


def parse_line(obj: Any, where: str) -> Labels:
    """One line of the label file, checked."""
    if not isinstance(obj, dict):
        raise LabelError(f"{where}: each line must be a JSON object")
    item, labeller = obj.get("item"), obj.get("labeller")
    if not (isinstance(item, str) and isinstance(labeller, str) and item and labeller):
        raise LabelError(f'{where}: "item" and "labeller" must be non-empty strings')
    measures, other = obj.get("measures"), obj.get("other", [])
    if not isinstance(measures, list) or not isinstance(other, list):
        raise LabelError(f'{where}: "measures" (and "other") must be lists; [] when none')
    where = f"{where} ({item}, {labeller})"
    return Labels(
        item=item,
        labeller=labeller,
        measures=tuple(parse_measure(m, f"{where} measure {k}") for k, m in enumerate(measures)),
        other=tuple(parse_other(o, f"{where} other {k}") for k, o in enumerate(other)),
    )


def load_labels(path: Path = LABELS_PATH) -> list[Labels]:
    """Every label line of ``path`` (blank lines skipped); [] when the file is not there.

    Raises LabelError for a malformed line or a second line for the same item and labeller.
    """
    if not path.is_file():
        return []
    out: list[Labels] = []
    seen: set[tuple[str, str]] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path.name} line {n}: not JSON ({exc.msg})") from exc
        labels = parse_line(obj, f"{path.name} line {n}")
        if (labels.item, labels.labeller) in seen:
            raise LabelError(
                f"{path.name} line {n}: a second line for {labels.item} by {labels.labeller}; "
                "keep one line per item and labeller (merge them)"
            )
        seen.add((labels.item, labels.labeller))
        out.append(labels)
    return out


def offset_problems(labels: Labels, text: str) -> list[str]:
    """Spans that run past the text or cover only whitespace."""
    out = []
    spans = [(m.start, m.end, "measure") for m in labels.measures]
    spans += [(o.start, o.end, o.type) for o in labels.other]
    for start, end, what in spans:
        if end > len(text):
            out.append(
                f"{labels.item}/{labels.labeller}: {what} [{start}, {end}) ends past the "
                f"text ({len(text)} chars)"
            )
        elif not text[start:end].strip():
            out.append(f"{labels.item}/{labels.labeller}: {what} [{start}, {end}) is blank")
    return out


@dataclass(frozen=True)
class ItemLabels:
    """An item's gold labels and, when it was labelled twice, labellers A and B."""

    gold: Labels
    first: Labels
    second: Labels | None


def by_item(labels: Sequence[Labels]) -> dict[str, ItemLabels]:
    """Group label lines by item: gold (adjudicated, else A), A and B (file order)."""
    grouped: dict[str, list[Labels]] = defaultdict(list)
    for lab in labels:
        grouped[lab.item].append(lab)
    out = {}
    for item, lines in grouped.items():
        raters = [lab for lab in lines if lab.labeller != ADJUDICATED]
        adjudicated = [lab for lab in lines if lab.labeller == ADJUDICATED]
        if not raters:
            raise LabelError(f"{item}: only an adjudicated line; keep the labellers' lines too")
        second = raters[1] if len(raters) > 1 else None
        out[item] = ItemLabels((adjudicated or raters)[0], raters[0], second)
    return out
