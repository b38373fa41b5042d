"""The stage of each measure (done / ongoing / planned) of :mod:`index.measures`.

The learned stage model (:mod:`index.measure_model`) reads the measure, its sentence and
the lead-ins before it; rules of the message genre correct it: a measure with no stage
word of its own takes the stage of the measure before it in its paragraph; a measure dated
in a year before the reply's, with no word of the future, or whose clause puts 已 right
after its subject, was done.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index import measure_cues as cue
from index.clauses import Clause
from index.measure_features import Features, intro_of, stage_features
from index.measure_leads import is_lead_in
from index.measure_model import LinearModel
from index.reply import Stage

__all__ = ["head_of_span", "span_stage_features", "stages_of"]

_STAGES: tuple[Stage, ...] = ("done", "ongoing", "planned")


def head_of_span(clauses: Sequence[Clause], span: tuple[int, int]) -> int:
    """The clause that states the action: the first of the span that is not a lead-in."""
    for i in range(span[0], span[1]):
        if not is_lead_in(clauses[i].text):
            return i
    return span[1]


def span_stage_features(
    text: str, clauses: Sequence[Clause], head: int, last: int, group: str
) -> Features:
    """Stage features of the measure ``clauses[head..last]`` (``head`` its action clause)."""
    first = clauses[head]
    stretch = text[first.start : clauses[last].end]
    before = "，".join(c.text for c in clauses[:head] if c.sentence == first.sentence)
    sentence = "，".join(c.text for c in clauses if c.sentence == first.sentence)
    return stage_features(stretch, before, sentence, first, group, intro_of(clauses, head))


def stages_of(
    text: str,
    clauses: Sequence[Clause],
    spans: Sequence[tuple[int, int]],
    group: str,
    stage_model: LinearModel,
) -> list[Stage]:
    """The stage of each measure: the stage model's choice, except that in a message reply
    a measure with no stage word of its own (已/将/正在…) takes the stage of the measure
    before it in the same paragraph — a paragraph tells one time ("下一步，…。广泛开展…") —
    and one dated in a year before the reply's (no word of the future) or with 已 right
    after its subject was done."""
    out: list[Stage] = []
    last_paragraph = -1
    year = _reply_year(text)
    for first, last in spans:
        head = head_of_span(clauses, (first, last))
        scores = stage_model.probabilities(span_stage_features(text, clauses, head, last, group))
        stage = max(_STAGES, key=lambda s: scores.get(s, 0.0))
        stretch = text[clauses[first].start : clauses[last].end]
        paragraph = clauses[head].paragraph
        if (
            group == "message"
            and out
            and paragraph == last_paragraph
            and not _has_stage_word(stretch)
        ):
            stage = out[-1]
        if group == "message" and (
            _before_the_reply(stretch, year) or _DONE_FIRST_RE.match(clauses[head].text)
        ):
            stage = "done"
        out.append(stage)
        last_paragraph = paragraph
    return out


# 已 right after the subject: "我局已责令华汇公司在11月底前完成…" was done, whatever
# deadline it set (unless a 将/尽快 follows: "交警部门已表态尽快将…东迁" is planned).
_DONE_FIRST_RE = re.compile(
    r"^[^，。将拟要会]{0,12}?(?:已经|业已|已)(?![^，。]*(?:尽快|(?<!已)将))"
)
_YEAR_RE = re.compile(r"(?<!\d)(20\d\d|19\d\d)年")
_REPLY_DATE_RE = re.compile(r"(20\d\d)\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}")


def _reply_year(text: str) -> int | None:
    """The year of the reply: its last full date (the date line under the signature)."""
    dates = _REPLY_DATE_RE.findall(text[-200:])
    return int(dates[-1]) if dates else None


def _before_the_reply(stretch: str, year: int | None) -> bool:
    """A measure dated in a year before the reply's and with no word of the future
    ("2016年上半年，原旦阳村给予其临时救助2000元") was done."""
    if year is None or cue.FUTURE_RE.search(stretch):
        return False
    years = [int(y) for y in _YEAR_RE.findall(stretch)]
    return bool(years) and max(years) < year


def _has_stage_word(text: str) -> bool:
    return any(p.search(text) for p in (cue.FUTURE_RE, cue.ONGOING_RE, cue.DONE_RE))
