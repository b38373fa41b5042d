"""A readable plain-text summary of a parsed reply (``python -m index inspect``)."""

from __future__ import annotations

from index.reply import HANDLING_LABELS, Handling, Measure, Reply

_FIELDS = (
    ("文号", "doc_number"),
    ("类型", "kind"),
    ("标题", "title"),
    ("答复单位", "issuer"),
    ("签发人", "signer"),
    ("办理结果", "result_grade"),
    ("会议", "session"),
    ("提案/建议号", "proposal_number"),
    ("提出人", "proposer"),
    ("提案/建议标题", "proposal_title"),
    ("日期", "date"),
    ("联系单位", "contact_unit"),
    ("联系人", "contact_person"),
    ("联系电话", "contact_phone"),
)


def describe_reply(reply: Reply) -> str:
    """Header fields, lists, sections and measures as indented text."""
    lines = [
        f"== {reply.doc_id}  ({reply.source.path}"
        + (f" row {reply.source.row})" if reply.source.row is not None else ")")
    ]
    for label, name in _FIELDS:
        value = getattr(reply, name)
        if value:
            lines.append(f"{label}: {value}")
    if reply.co_handlers:
        lines.append("会办单位: " + "、".join(reply.co_handlers))
    if reply.cc:
        lines.append("抄送: " + "、".join(reply.cc))
    if reply.question:
        lines.append(f"来信/提案内容: {_clip(reply.question)}")
    lines.append(f"正文: {len(reply.body)} 字, {len(reply.sections)} 节")
    lines += [f"  § {s.heading}" for s in reply.sections]
    lines.append(f"措施: {len(reply.measures)}" + ("" if reply.has_measures else "（无实质措施）"))
    lines += [_measure_line(m) for m in reply.measures]
    if reply.handling:
        lines.append("办理过程:")
        lines += [_handling_line(h) for h in reply.handling]
    if reply.policies:
        lines.append("引用政策:")
        lines += [
            f"  《{p.title}》" + (f"（{p.doc_number}）" if p.doc_number else "")
            for p in reply.policies
        ]
    return "\n".join(lines)


_STAGE_SHORT = {"done": "已做", "ongoing": "在做", "planned": "计划"}


def _measure_line(measure: Measure) -> str:
    """``  [已做] 责令安装油烟净化设施 (执法人员; 7日内): 执法人员已责令… [50万元]``."""
    who_when = "; ".join(x for x in (measure.actor or "", "，".join(measure.dates)) if x)
    who_when = f" ({who_when})" if who_when else ""
    extras = f"  [{'，'.join(measure.amounts)}]" if measure.amounts else ""
    stage = _STAGE_SHORT.get(measure.stage, measure.stage)
    return f"  [{stage}] {measure.title}{who_when}: {_clip(measure.text, 60)}{extras}"


def _handling_line(handling: Handling) -> str:
    unit = f" → {handling.unit}" if handling.unit else ""
    return f"  [{HANDLING_LABELS[handling.kind]}]{unit} {_clip(handling.text, 60)}"


def _clip(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
