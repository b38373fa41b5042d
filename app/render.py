"""HTML for search hits and replies, escaped so document text can never become markup.

Every string that comes from a document or a query goes through :func:`html.escape`
before it touches markup; highlights are applied by cutting the *raw* text at the
highlight offsets and escaping each piece, so offsets never point into an entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape

from index.reply import (
    FIELD_LABELS,
    HANDLING_LABELS,
    KIND_LABELS,
    STAGE_LABELS,
    Measure,
    Policy,
    Reply,
)
from search.hit import MatchedPassage, SearchHit

MEASURE_PREVIEW_CHARS = 120  # cards show the start of each measure; the reply view shows all
OPEN_MEASURES = 3  # cards whose measures start unfolded
NOTE_CHARS = 90  # how much of a citizen's message a card quotes


def kind_label(kind: str) -> str:
    """Chinese label for a reply kind (the raw value when it is not a known kind)."""
    return KIND_LABELS.get(kind, kind)


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escape ``text`` and wrap the ``(start, end)`` character spans in ``<mark>``.

    Spans are offsets into the unescaped text; overlapping or out-of-range spans are
    merged and clipped rather than trusted.
    """
    out: list[str] = []
    cursor = 0
    for start, end in _merge_spans(spans, len(text)):
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def _merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    clipped = sorted((max(0, s), min(length, e)) for s, e in spans if min(length, e) > max(0, s))
    merged: list[tuple[int, int]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def multiline(text: str) -> str:
    """Escaped text whose line breaks survive as ``<br>`` (independent of any stylesheet)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(escape(line) for line in lines)


def policy_text(policy: Policy) -> str:
    """``《title》（文号）``, the way replies cite a policy (plain text, not escaped)."""
    number = f"（{policy.doc_number}）" if policy.doc_number else ""
    return f"《{policy.title.strip('《》')}》{number}"


def notice(message: str, *, tone: str = "info") -> str:
    """An inline message box (``tone`` is info, warn or empty)."""
    return f'<div class="xl-notice xl-{escape(tone)}">{escape(message)}</div>'


def render_hits(
    hits: Sequence[SearchHit],
    *,
    heading: str | None = None,
    notes: Mapping[str, str] | None = None,
    open_measures: int = OPEN_MEASURES,
) -> str:
    """Result cards for ``hits``, or an empty-state message when there are none.

    ``notes`` maps a doc id to a line shown under its title (the proposal's own title, or
    the start of a citizen's message); the first ``open_measures`` cards show their
    measures unfolded, the rest fold them to keep the list scannable.
    """
    if not hits:
        return notice(
            "没有找到相符的答复。可以换个说法、减少筛选条件，或改用“关键词”模式试试。",
            tone="empty",
        )
    head = f'<div class="xl-count">{escape(heading)}</div>' if heading else ""
    cards = "".join(
        render_card(hit, note=(notes or {}).get(hit.doc_id), unfold=i < open_measures)
        for i, hit in enumerate(hits)
    )
    return f'<div class="xl-results">{head}{cards}</div>'


def render_card(hit: SearchHit, *, note: str | None = None, unfold: bool = True) -> str:
    """One result card: header facts, matched passages, measures by stage."""
    title = escape(hit.title or "（无标题）")
    doc_id = escape(hit.doc_id, quote=True)
    passages = "".join(_passage(p) for p in hit.passages)
    note_html = f'<div class="xl-note">{escape(note)}</div>' if note else ""
    return (
        f'<article class="xl-card" data-doc-id="{doc_id}">'
        f'<header><span class="xl-rank">{hit.rank}</span>'
        f'<h3 class="xl-title">{title}</h3>'
        f'<span class="xl-score" title="相关度">相关度 {hit.score:.3f}</span></header>'
        f'{note_html}<div class="xl-meta">{_meta(hit)}</div>'
        f'<div class="xl-passages">{passages}</div>'
        f"{_folded_measures(hit.measures, unfold)}"
        f'<div class="xl-actions"><button class="xl-open" data-open="{doc_id}">查看全文</button>'
        "</div></article>"
    )


def _folded_measures(measures: Sequence[Measure], unfold: bool) -> str:
    if not measures:
        return ""
    counts = "，".join(
        f"{label} {sum(m.stage == stage for m in measures)} 项"
        for stage, label in STAGE_LABELS.items()
    )
    attr = " open" if unfold else ""
    body = render_measures(measures, preview=True)
    return f'<details class="xl-fold"{attr}><summary>措施：{counts}</summary>{body}</details>'


def _meta(hit: SearchHit) -> str:
    chips = [kind_label(hit.kind)]
    chips += [v for v in (hit.issuer, hit.date) if v]
    if hit.doc_number:
        chips.append(f"文号 {hit.doc_number}")
    if hit.proposal_number:
        chips.append(f"提案/建议号 {hit.proposal_number}")
    if hit.result_grade:
        chips.append(f"办理结果 {hit.result_grade}")
    html = "".join(f'<span class="xl-chip">{escape(c)}</span>' for c in chips)
    if hit.duplicates:
        html += f'<span class="xl-chip xl-dup">{len(hit.duplicates)} 条相似答复已合并</span>'
    return html


def _passage(passage: MatchedPassage) -> str:
    where = f"命中{FIELD_LABELS.get(passage.field, passage.field)}"
    label = "｜".join(x for x in (where, passage.heading) if x)
    heading = f'<div class="xl-heading">{escape(label)}</div>'
    body = highlight(passage.text, passage.highlights)
    css = "xl-passage xl-question" if passage.field == "question" else "xl-passage"
    return f'<blockquote class="{css}">{heading}<p>{body}</p></blockquote>'


def render_measures(measures: Sequence[Measure], *, preview: bool = False) -> str:
    """Measures split into 已落实 and 下一步计划, each with the policies it cites."""
    groups = []
    for stage, label in STAGE_LABELS.items():
        items = [m for m in measures if m.stage == stage]
        if items:
            lis = "".join(_measure(m, preview) for m in items)
            head = f"<h4>{label}（{len(items)}）</h4>"
            groups.append(f'<div class="xl-stage xl-{stage}">{head}<ul>{lis}</ul></div>')
    return f'<div class="xl-measures">{"".join(groups)}</div>' if groups else ""


def _measure(measure: Measure, preview: bool) -> str:
    text = measure.text
    if preview and len(text) > MEASURE_PREVIEW_CHARS:
        text = text[:MEASURE_PREVIEW_CHARS] + "…"
    title = f"<strong>{escape(measure.title)}</strong> " if measure.title else ""
    cites = "".join(
        f'<span class="xl-policy">{escape(policy_text(p))}</span>' for p in measure.policies
    )
    amounts = "".join(f'<span class="xl-amount">{escape(a)}</span>' for a in measure.amounts)
    facts = measure_facts(measure, amounts=False)
    who = f'<span class="xl-facts">{escape(facts)}</span>' if facts else ""
    extra = f'<div class="xl-cites">{who}{cites}{amounts}</div>' if who or cites or amounts else ""
    return f"<li>{title}{escape(text)}{extra}</li>"


def measure_facts(measure: Measure, *, amounts: bool = True) -> str:
    """「责任单位：区城管局；时间：7日内；金额：50万元」, the parts a measure has."""
    parts = [
        ("责任单位", measure.actor or ""),
        ("时间", "、".join(measure.dates)),
        ("金额/数量", "、".join(measure.amounts) if amounts else ""),
    ]
    return "；".join(f"{label}：{value}" for label, value in parts if value)


def card_note(reply: Reply) -> str | None:
    """The line under a card's title: the proposal's title, else the start of the message."""
    if reply.proposal_title:
        return f"《{reply.proposal_title.strip('《》')}》"
    question = " ".join(reply.question.split())
    if not question:
        return None
    return "来信：" + (question[:NOTE_CHARS] + "…" if len(question) > NOTE_CHARS else question)


def reply_fields(reply: Reply) -> list[tuple[str, str]]:
    """The structured fields staff read a reply by, as ``(label, value)``; empty ones left out."""
    contact = " ".join(
        v for v in (reply.contact_unit, reply.contact_person, reply.contact_phone) if v
    )
    rows = [
        ("类型", kind_label(reply.kind)),
        ("答复单位", reply.issuer),
        ("文号", reply.doc_number),
        ("签发人", reply.signer),
        ("办理结果", reply.result_grade),
        ("会议", reply.session),
        ("提案/建议号", reply.proposal_number),
        ("提出人", reply.proposer),
        ("提案/建议标题", reply.proposal_title),
        ("会办单位", "、".join(reply.co_handlers)),
        ("日期", reply.date),
        ("联系人", contact),
        ("抄送", "、".join(reply.cc)),
        ("来源", _source(reply)),
    ]
    return [(label, value) for label, value in rows if value]


def _source(reply: Reply) -> str:
    row = f" 第 {reply.source.row} 行" if reply.source.row is not None else ""
    return f"{reply.source.path}{row}"


def render_reply(reply: Reply) -> str:
    """The whole reply: fields, cited policies, measures, the question and the body."""
    fields = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in reply_fields(reply)
    )
    policies = "".join(f"<li>{escape(policy_text(p))}</li>" for p in reply.policies)
    policy_block = f'<h4>引用政策</h4><ul class="xl-policies">{policies}</ul>' if policies else ""
    question = (
        f'<h4>来信/提案内容</h4><div class="xl-body">{multiline(reply.question)}</div>'
        if reply.question
        else ""
    )
    handling = "".join(
        f"<li>{escape(HANDLING_LABELS.get(h.kind, h.kind))}"
        f"{escape('：' + h.unit) if h.unit else ''}　{escape(h.text)}</li>"
        for h in reply.handling
    )
    handling_block = (
        f'<h4>办理经过（受理、转办）</h4><ul class="xl-handling">{handling}</ul>'
        if handling
        else ""
    )
    if not reply.has_measures:
        handling_block += '<p class="xl-note">这件答复没有具体措施（仅受理、转办或说明）。</p>'

    return (
        f'<article class="xl-reply" data-doc-id="{escape(reply.doc_id, quote=True)}">'
        f'<h2 class="xl-title">{escape(reply.title or "（无标题）")}</h2>'
        f'<table class="xl-fields">{fields}</table>{policy_block}'
        f"{render_measures(reply.measures)}{handling_block}{question}"
        f'<h4>答复全文</h4><div class="xl-body">{multiline(reply.body)}</div></article>'
    )
