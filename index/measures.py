"""Measures (措施), cited policies and figures in a reply, and what counts as boilerplate.

A measure is one unit of what was done or will be done:

- in a formal reply, each numbered leaf section (（一）明确产业发展定位 -> title
  "明确产业发展定位"), except background sections (基本情况, 现状…);
- an enumerated item (一是… 二是… / 第一，第二，). Its title is the item's first clause
  ("一是进一步明确各城区产业定位。…" -> "进一步明确各城区产业定位"), which says more than
  "一是"; the section's lead-in before 一是 is not a measure of its own;
- in a message reply (and a formal reply with no structure), a sentence with an action cue
  (下一步 / 将 / 已 / 责令 / 要求 / 整改 / 督促) that is not boilerplate.

A measure is ``planned`` under a 下一步/下步工作计划 heading, after a lead-in that looks
ahead, or (for sentences) when it says 将/下一步/今后; otherwise ``done``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from index.docnum import BOOK_TITLE_RE, DOC_NUMBER_RE
from index.normalize import NUMBER_PREFIX_RE, normalize_text
from index.reply import Measure, Policy, Section

_CN = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(_CN)}
_CUE_RE = re.compile(
    rf"下一步|下步|将|已|责令|要求|整改|督促|^(?:[{_CN}]{{1,2}}是|第[{_CN}]{{1,2}}[，、])"
)
# 将 marks the future only before a verb or adverb ("将继续", "将于"); before a noun it is
# the disposal marker of a finished act ("将该处垃圾转运"), so the followers are listed.
_FUTURE_AFTER_JIANG = (
    "继续|进一步|加强|加大|加快|持续|积极|认真|严格|及时|尽快|于|在|会|对|按|根据|依法|结合|全力"
    "|协调|督促|组织|安排|做好|密切|不断|逐步|进行|开展|启动|完善|推进|推动|实施|落实|配合|联合"
    "|会同|研究|派|立即|适时|着力|切实|全面|重点|充分|主动|针对|以|从|与|同|由|视|定期|统筹|优化"
    "|提升|建立|健全|抓紧|督导|跟踪|监督|加以|予以|探索|争取|力争|协助|指导|要求|责令"
)
_PLANNED_RE = re.compile(
    rf"下一步|下步|今后|接下来|拟|计划于|预计|承诺|力争|即将|(?<![已现])将(?:{_FUTURE_AFTER_JIANG})"
)
_PLAN_HEADING_RE = re.compile(r"下一步|下步|今后|计划|打算|展望|思路")
_CONTEXT_HEADING_RE = re.compile(
    r"基本情况|概况|背景|现状|存在的?问题|原因|情况说明|有关情况|问题分析"
)
_ITEM_RES = (
    re.compile(rf"(?:^|(?<=[。；;：:，,！？\s]))(?P<n>[{_CN}]{{1,2}})是"),
    re.compile(rf"(?:^|(?<=[。；;：:！？\s]))第(?P<n>[{_CN}]{{1,2}})[，,、]"),
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[。！？!?；;：:])|\n|(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
_CLAUSE_SPLIT_RE = re.compile(r"[，,；;：:！!？?。…\s]+")
_CLAUSE_END_RE = re.compile(r"[，,。；;：:！!？?]")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_MAX_TITLE = 40

_OPEN_BRACKET_RE = re.compile(r"\s*[（(]\s*")
_TRAILING_NOTE_RE = re.compile(r"(?:[（(][^（）()]{0,20}[）)])+$")
_POLICY_SUFFIX_RE = re.compile(
    r"(?:意见|通知|办法|规定|条例|法|规划|方案|措施|决定|细则|纲要|标准|计划|政策|指南|指引|制度"
    r"|通告|公告|批复|规则|目录|要点|规范|法典|章程|准则|守则|清单|导则|建议|决议|纪要|函|令)$"
)
_GENERIC_RE = re.compile(r"实施|暂行|试行|管理|若干|相关|有关|该|此|本")
_PROPOSAL_CONTEXT_RE = re.compile(r"(?:提出|号|您|代表|委员)[^。；]{0,8}$")

_AMOUNT_RE = re.compile(
    r"(?<![\d.])(?:(?<!\d)-)?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*[-~～至到]\s*\d+(?:\.\d+)?)?"
    r"(?:余|多)?(?:个百分点|百分点|%|‰|[万亿千百]*(?:元|人次|人|户|家|个|项|平方米|平方公里|公里"
    r"|千米|米|吨|亩|台|套|件|条|所|辆|名|批|期|座|处|栋|间|场|次)|[万亿]+)"
)

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


def extract_amounts(text: str) -> tuple[str, ...]:
    """Figures with their unit, in order, without repeats: 212.5亿元, 147家, 41.6%, 0.3个百分点."""
    found = (re.sub(r"\s+", "", m[0]) for m in _AMOUNT_RE.finditer(text))
    return tuple(dict.fromkeys(found))


def extract_policies(text: str, *, exclude_titles: Collection[str] = ()) -> tuple[Policy, ...]:
    """Cited policies: each 《title》 that names a document, with the 文号 in brackets after it.

    De-duplicated by title (a later mention may add the 文号); the 文号 is normalised to 〔〕.
    Titles in ``exclude_titles`` and the proposal itself (《…提案》, or 《…建议》 introduced
    as what the deputy put forward) are not policies.
    """
    found: dict[str, Policy] = {}
    for m in BOOK_TITLE_RE.finditer(text):
        title = re.sub(r"\s+", "", m["title"])
        if title in exclude_titles or not _is_policy_title(title, text[: m.start()]):
            continue
        number = _doc_number_after(text, m.end())
        if title not in found or (number and not found[title].doc_number):
            found[title] = Policy(title=title, doc_number=number)
    return tuple(found.values())


def _is_policy_title(title: str, before: str) -> bool:
    core = _TRAILING_NOTE_RE.sub("", title)
    suffix = _POLICY_SUFFIX_RE.search(core)
    # 《办法》 or 《实施细则》 alone refer back to a document named elsewhere: not a citation.
    if not suffix or len(_GENERIC_RE.sub("", core[: suffix.start()])) < 2:
        return False
    return not (core.endswith("建议") and _PROPOSAL_CONTEXT_RE.search(before[-12:]))


def _doc_number_after(text: str, pos: int) -> str | None:
    bracket = _OPEN_BRACKET_RE.match(text, pos)
    if not bracket:
        return None
    m = DOC_NUMBER_RE.match(text, bracket.end())
    return f"{m['prefix']}〔{m['year']}〕{int(m['num'])}号" if m else None


def extract_measures(sections: Sequence[Section], body: str, *, kind: str) -> tuple[Measure, ...]:
    """The measures of one reply, in reading order (see the module docstring for the rules).

    Formal replies use their numbered ``sections`` and enumerated items; a reply without
    them, and every ``message_reply``, falls back to action sentences of ``body``.
    """
    text = normalize_text(body)
    if kind == "message_reply":
        return _sentence_measures(text)
    measures = _section_measures(sections)
    if not measures:
        measures = tuple(m for line in text.split("\n") for m in _item_measures(line, False))
    return measures or _sentence_measures(text)


def _section_measures(sections: Sequence[Section]) -> tuple[Measure, ...]:
    out: list[Measure] = []
    ancestors: list[Section] = []
    for idx, sec in enumerate(sections):
        while ancestors and ancestors[-1].level >= sec.level:
            ancestors.pop()
        planned = any(_PLAN_HEADING_RE.search(s.heading) for s in (*ancestors, sec))
        has_children = idx + 1 < len(sections) and sections[idx + 1].level > sec.level
        items = _item_measures(sec.text, planned)
        if items:
            out.extend(items)
        elif not has_children and not _CONTEXT_HEADING_RE.search(sec.heading):
            title = NUMBER_PREFIX_RE.sub("", sec.heading).strip() or sec.heading
            lead = sec.text[:10]
            stage = planned or bool(re.match(r"下一步|下步|今后", lead))
            out.append(_measure(title, sec.text or sec.heading, stage))
        ancestors.append(sec)
    return tuple(out)


def _item_measures(text: str, planned: bool) -> tuple[Measure, ...]:
    """一是…二是… (or 第一，第二，) items; the last runs to the end of its paragraph."""
    for pattern in _ITEM_RES:
        marks, expected = [], 1
        for m in pattern.finditer(text):
            if _CN_VALUE.get(m["n"], 10 + _CN_VALUE.get(m["n"][-1:], 0)) == expected:
                marks.append(m)
                expected += 1
        if len(marks) < 2:
            continue
        stage = planned or bool(_PLANNED_RE.search(text[: marks[0].start()]))
        out = []
        for k, m in enumerate(marks):
            line_end = text.find("\n", m.start())
            end = marks[k + 1].start() if k + 1 < len(marks) else line_end
            item = text[m.start() : end if end >= 0 else len(text)].strip()
            out.append(_measure(_first_clause(item[m.end() - m.start() :]) or m[0], item, stage))
        return tuple(out)
    return ()


def _sentence_measures(text: str) -> tuple[Measure, ...]:
    out: dict[str, Measure] = {}
    for s in split_sentences(text):
        if s in out or len(_CJK_RE.findall(s)) < 6 or not _CUE_RE.search(s) or is_boilerplate(s):
            continue
        out[s] = _measure(_sentence_title(s), s, bool(_PLANNED_RE.search(s)))
    return tuple(out.values())


def _sentence_title(sentence: str) -> str:
    # Skip lead-ins ("下一步，", "经查，", "您的留言已收悉，") so the title names the action.
    rest = sentence
    while True:
        head, sep, tail = rest.partition("，")
        if not (sep and tail and (len(head) <= 5 or is_boilerplate(head))):
            break
        rest = tail
    return _first_clause(rest) or sentence[:_MAX_TITLE]


def _first_clause(text: str) -> str:
    m = _CLAUSE_END_RE.search(text)
    return (text[: m.start()] if m else text).strip()[:_MAX_TITLE]


def _measure(title: str, text: str, planned: bool) -> Measure:
    return Measure(
        title=title,
        text=text,
        stage="planned" if planned else "done",
        policies=extract_policies(text),
        amounts=extract_amounts(text),
    )
