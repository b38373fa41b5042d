"""Measures (措施) in a reply: what a government body did, is doing or will do.

A measure is one action, usually one clause (bench/MEASURES_LABELLING.md): labellers mark
each action inside a numbered section or an 一是… item on its own, and in a message reply
each action sentence or clause. So the extractor

1. cuts the text into clauses (:mod:`index.clauses`);
2. sets acknowledgments, referrals and greeting/thanks/contact lines aside
   (:mod:`index.handling`): they are never measures;
3. scores every other clause with a small learned model (:mod:`index.measure_model`, cheap
   features from :mod:`index.measure_features`): head of a measure, continuation of one
   (a figure, a purpose clause) or neither, corrected by rules where the genre is regular
   (:mod:`index.measure_rules`);
4. makes a measure of each head and the continuations that follow it in its sentence,
   splitting where the stage changes (「已于2022年10月开工，计划2024年9月投入使用」 is two);
5. gives each its stage (done / ongoing / planned, learned; in a message reply a measure
   with no stage word takes the stage of the one before it in its paragraph), actor, dates,
   amounts, cited policies and a short title (:mod:`index.measure_fields`).

Formal and message replies share the model; a feature tells them apart and each has its
own head threshold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from index import measure_cues as cue
from index.clauses import Clause, split_clauses
from index.handling import find_handling, handling_kind, is_boilerplate, split_sentences
from index.measure_features import reply_features
from index.measure_fields import (
    extract_amounts,
    extract_dates,
    extract_policies,
    find_actor,
)
from index.measure_leads import is_lead_in
from index.measure_model import MeasureModel, default_model
from index.measure_rules import apply_rules, parallel_act
from index.measure_stage import head_of_span, span_stage_features, stages_of
from index.measure_title_input import measure_title, opening_topic
from index.normalize import is_date_line, normalize_text
from index.reply import Handling, Measure, Stage

__all__ = [
    "apply_rules",
    "decode_spans",
    "extract_amounts",
    "extract_dates",
    "extract_handling",
    "extract_measures",
    "extract_policies",
    "is_boilerplate",
    "read_measures",
    "reply_group",
    "span_stage_features",
    "split_sentences",
    "stages_of",
]


def reply_group(kind: str) -> str:
    """ "message" for a message-board reply, "formal" for every other kind."""
    return "message" if kind == "message_reply" else "formal"


def read_measures(
    body: str, *, kind: str, model: MeasureModel | None = None, topic: str = ""
) -> tuple[tuple[Measure, ...], tuple[Handling, ...]]:
    """The measures and the handling (acknowledgments, referrals) of one reply, in reading
    order (see the module docstring); the text is cut into clauses once for both.

    ``body`` is normalised first (:func:`normalize_text`), so every ``Measure.text`` and
    ``Handling.text`` is a stretch of ``normalize_text(body)``. ``topic`` (the record's
    留言主题; else the reply's opening 关于…问题 clause is used) only feeds the titles: a bare
    调查核实 takes the complaint it names as its object.
    """
    model = model or default_model()
    group = reply_group(kind)
    text = normalize_text(body)
    clauses = split_clauses(text)
    probs = [model.clause.probabilities(f) for f in reply_features(clauses, group)]
    probs = apply_rules(clauses, probs, group)
    spans = decode_spans(
        clauses, probs, head_threshold=model.threshold(f"head_{group}"), group=group
    )
    stages = stages_of(text, clauses, spans, group, model.stage)
    topic = topic.strip() or opening_topic(clauses)
    measures = tuple(
        _measure(text, clauses, span, stage, topic)
        for span, stage in zip(spans, stages, strict=True)
    )
    return measures, find_handling(text, clauses)


def extract_measures(
    body: str, *, kind: str, model: MeasureModel | None = None
) -> tuple[Measure, ...]:
    """The measures of one reply (:func:`read_measures` without the handling)."""
    return read_measures(body, kind=kind, model=model)[0]


def extract_handling(body: str) -> tuple[Handling, ...]:
    """Acknowledgments and referrals of one reply, in reading order (no model needed)."""
    text = normalize_text(body)
    return find_handling(text, split_clauses(text))


def is_set_aside(clause: Clause) -> bool:
    """True for a clause that can never be a measure: handling, greeting, thanks, contacts,
    a header or tail line of a formal reply (抄送, 联系人, 签发人), a bare date."""
    return (
        handling_kind(clause.text) is not None
        or is_boilerplate(clause.text)
        or bool(cue.TAIL_LINE_RE.match(clause.line))
        or is_date_line(clause.text)
    )


def decode_spans(
    clauses: Sequence[Clause],
    probs: Sequence[Mapping[str, float]],
    *,
    head_threshold: float,
    group: str = "formal",
) -> list[tuple[int, int]]:
    """(first, last) clause indices of each measure, given each clause's H/C/O probabilities.

    A clause starts a measure when P(H) ≥ ``head_threshold``; the next clause of the same
    sentence joins it when it is more likely a continuation than anything else, unless it
    states another stage with a verb of its own (then it starts a measure itself). In a
    message reply it also joins when it carries on the act before it (:func:`_goes_on_with`).
    """
    spans: list[tuple[int, int]] = []
    open_span = False
    for i, c in enumerate(clauses):
        p = probs[i]
        if is_set_aside(c) or (c.is_heading and p["H"] < 0.5):
            open_span = False
            continue
        joins = open_span and clauses[spans[-1][1]].sentence == c.sentence
        goes_on = group == "message" and joins and _goes_on_with(clauses, spans[-1], c)
        if joins and (p["C"] >= max(p["H"], p["O"]) or goes_on):
            if _new_stage(clauses, spans[-1], c) or _another_act(c, group):
                spans.append((i, i))  # 「已于…开工，计划…投入使用」: two measures
            else:
                spans[-1] = (spans[-1][0], i)
        elif p["H"] >= head_threshold:
            spans.append((i, i))
            open_span = True
        else:
            open_span = False
    return _with_lead_ins(clauses, spans)


_PARALLEL_MARKS = ("了", "好", "已", "将", "加快", "加强")
_NEW_ACT_RE = re.compile(r"^(?:并且?|同时|还|又|另|再|也|及时|立即|随即|目前|现)")


_ANOTHER_ACT_RE = re.compile(r"^(?:并且?|同时)")


def _another_act(c: Clause, group: str) -> bool:
    """「已责令整改，并处罚款2万元」 is two measures (bench/MEASURES_LABELLING.md): in a
    message reply a clause that opens with 并/同时 and an action verb starts its own."""
    return (
        group == "message"
        and bool(_ANOTHER_ACT_RE.match(c.text))
        and (cue.ACTION_VERB_RE.search(c.text) is not None)
    )


def _goes_on_with(clauses: Sequence[Clause], span: tuple[int, int], c: Clause) -> bool:
    """True when ``c`` carries on the act of ``span`` rather than starting a parallel one:
    no subject of its own, no 并/同时, no stage of its own, and not built like it (施划了
    人行横道线，设置了黄闪警示灯 is two acts in a list; 首先做了宣传工作，对摊主进行宣传教育
    is one). Only a one-clause measure takes it: chains of acts stay apart."""
    if span[0] != span[1] or _NEW_ACT_RE.match(c.text) or cue.strip_lead(c.text)[1] is not None:
        return False
    if parallel_act(clauses[span[0]].text, c.text):
        return False  # 我局将加强…监管，严厉打击此类行为: the unit's second act
    before = "".join(x.text for x in clauses[span[0] : span[1] + 1])
    mine, theirs = _stage_cue(c.text), _stage_cue(before)
    if mine is not None and mine != theirs:
        return False
    return not any(m in c.text and m in before for m in _PARALLEL_MARKS)


def _with_lead_ins(
    clauses: Sequence[Clause], spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Each span widened back over the lead-ins that open its sentence ("2015年，" /
    "下一步，" / "接到投诉后，"), which carry its date and stage but no action."""
    out, taken = [], -1
    for first, last in spans:
        start = first
        while (
            start - 1 > taken
            and clauses[start - 1].sentence == clauses[first].sentence
            and is_lead_in(clauses[start - 1].text)
        ):
            start -= 1
        out.append((start, last))
        taken = last
    return out


def _new_stage(clauses: Sequence[Clause], span: tuple[int, int], c: Clause) -> bool:
    """True when ``c`` has its own verb and a stage cue that differs from the span's."""
    mine = _stage_cue(c.text)
    if mine is None or cue.head_verb(c.text) is None:
        return False
    theirs = _stage_cue("".join(x.text for x in clauses[span[0] : span[1] + 1]))
    return theirs is not None and theirs != mine


def _stage_cue(text: str) -> str | None:
    if cue.FUTURE_RE.search(text):
        return "planned"
    if cue.ONGOING_RE.search(text):
        return "ongoing"
    return "done" if cue.DONE_RE.search(text) else None


def _measure(
    text: str, clauses: Sequence[Clause], span: tuple[int, int], stage: Stage, topic: str
) -> Measure:
    head = head_of_span(clauses, span)
    start, end = clauses[span[0]].start, clauses[span[1]].end
    stretch = text[start:end]
    before = [c.text for c in clauses[: span[0]] if c.sentence == clauses[head].sentence]
    return Measure(
        title=measure_title(text, clauses, span, head, topic),
        text=stretch,
        stage=stage,
        policies=extract_policies(stretch),
        amounts=extract_amounts(stretch),
        actor=find_actor([c.text for c in clauses[span[0] : span[1] + 1]], before),
        dates=extract_dates(stretch),
    )
