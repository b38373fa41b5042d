"""How a reply was handled, as opposed to what was done: acknowledgments and referrals.

已收悉 / 高度重视 / 现答复如下 (ack) and 已转交…处理 / 请向…反映 (referral) are not measures,
but staff want to see the handling path, so they are kept apart as :class:`Handling`.
Greeting, thanks and contact lines (:func:`is_boilerplate`) are neither.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index import measure_cues as cue
from index.clauses import Clause
from index.reply import Handling

_SENTENCE_SPLIT_RE = re.compile(r"(?<=[。！？!?；;：:])|\n|(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
_CLAUSE_SPLIT_RE = re.compile(r"[，,；;：:！!？?。…\s]+")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_BOILERPLATE_RE = re.compile(
    r"^(?:联\s*系\s*(?:电\s*话|人|单\s*位|方\s*式|地\s*址)|咨询电话|监督电话|此复|特此(?:回复|答复|函复|说明))"
)
_CLAUSE_BOILERPLATE_RE = re.compile(
    r"您好|你好|收悉|已收到您|感谢|谢谢|欢迎|宝贵(?:意见|建议)|(?:回复|答复|说明|函复)(?:如下|于下)"
    r"|如下回复|现将.{0,20}(?:回复|答复|反馈|告知|说明)|以上.{0,8}(?:回复|答复)|谅解|不便之处"
    r"|如有(?:疑问|问题|其他问题)|不满意|祝您|祝你|此致|敬礼|联系电话|联系人|联系方式"
    r"|^(?:尊敬的|亲爱的|网友)|(?:委员|代表|网友|先生|女士|同志|市民|朋友)$"
    r"|^(?:关于|对于|针对|就|对)?您.{0,12}(?:反映|提出|咨询|留言|来信|投诉|举报|询问)的.{0,20}"
    r"(?:问题|情况|事项|建议|事宜|诉求|提案)$|^经.{0,60}(?:研究|会商|协商|沟通)$|^请.{0,40}联系$"
)
_ACTION_RE = re.compile(r"已|将|责令|整改|督促|查处|拆除")
_BOOK_TITLE_RE = re.compile(r"《[^》]{0,60}》")
# The unit a message was passed to: after 转交/移交/交办/转 or 向/到 in 请向…反映.
_REFERRAL_UNIT_RE = re.compile(
    r"(?:转交|转至|转给|转到|转送|转由|转办|交办|移交|交由|转)(?:给|至|到)?(?P<a>[^，。；：]{2,30})"
    r"|(?:向|到|与|咨询)(?P<b>[^，。；：]{2,30}?)(?:反映|咨询|联系|办理|申请|提交|了解|$)"
)
_GENERIC_UNIT_RE = re.compile(r"^(?:相关|有关|属地|主管|职能|责任)")
_UNIT_TAIL_RE = re.compile(
    r"(?:进行)?(?:调查|核实|核处|处理|处置|办理|答复|回复|反馈|研究|论证|调研|落实|解决|跟进)"
    r"[^，。]*$|(?:单位|部门)?的?$"
)


def is_boilerplate(sentence: str) -> bool:
    """True when a sentence is only greeting, thanks, closing or contact details.

    网友：您好！, 留言已收悉, 感谢您对…的关心/支持, 再次感谢, 欢迎…多提宝贵意见, 联系电话/
    联系人/联系单位 lines and the like. A sentence that also says something of substance
    ("您反映的问题已收悉，经调查，施工单位已整改") is not boilerplate.
    """
    s = sentence.strip()
    if not s:
        return False
    if _SENTENCE_BOILERPLATE_RE.match(s):
        return True
    clauses = [c for c in _CLAUSE_SPLIT_RE.split(s) if c]
    flagged = [bool(_CLAUSE_BOILERPLATE_RE.search(c)) for c in clauses]
    return any(flagged) and all(f or _is_trivial(c) for f, c in zip(flagged, clauses, strict=True))


def _is_trivial(clause: str) -> bool:
    # "在此", "网友", "下一步", a user id or a phone number carry nothing on their own.
    return len(_CJK_RE.findall(clause)) <= 3 and not _ACTION_RE.search(clause)


def split_sentences(text: str) -> list[str]:
    """Sentences and colon-led clauses of ``text``, split at 。！？；：, line ends and the
    space a converter left between two paragraphs of Chinese."""
    return [s.strip() for s in _SENTENCE_SPLIT_RE.split(text) if s.strip()]


def handling_kind(text: str) -> str | None:
    """Whether one clause is a "referral", an "ack" or neither (``None``); a 《title》 in
    it is not read (《…交办函》 is no referral)."""
    text = _BOOK_TITLE_RE.sub("《》", text)
    if cue.REFERRAL_RE.search(text) and not cue.CONDITION_RE.match(text):
        return "referral"
    if cue.ACK_RE.search(text):
        return "ack"
    return None


def find_handling(text: str, clauses: Sequence[Clause]) -> tuple[Handling, ...]:
    """Acknowledgments and referrals in reading order; neighbouring clauses of one sentence
    and kind make one entry ("收悉您反映的问题后，我局高度重视")."""
    out: list[tuple[int, int, str, int]] = []  # start, end, kind, sentence
    for c in clauses:
        kind = handling_kind(c.text)
        if kind is None:
            continue
        if out and out[-1][2] == kind and out[-1][3] == c.sentence:
            out[-1] = (out[-1][0], c.end, kind, c.sentence)
        else:
            out.append((c.start, c.end, kind, c.sentence))
    return tuple(_handling(text[s:e], kind) for s, e, kind, _ in out)


def _handling(text: str, kind: str) -> Handling:
    unit = referral_unit(text) if kind == "referral" else None
    return Handling(text=text, kind="referral" if kind == "referral" else "ack", unit=unit)


def referral_unit(text: str) -> str | None:
    """The unit a referral names ("已转交A2区政府处理" -> "A2区政府"); ``None`` for
    相关部门 and the like, which name nobody."""
    m = _REFERRAL_UNIT_RE.search(text)
    if not m:
        return None
    unit = _UNIT_TAIL_RE.sub("", (m["a"] or m["b"] or "").strip())
    unit = re.sub(r"^(?:您|你)?(?:直接)?(?:向|到)", "", unit).strip()
    if len(unit) < 2 or _GENERIC_UNIT_RE.match(unit):
        return None
    return unit
