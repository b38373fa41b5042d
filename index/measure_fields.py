"""What a measure says besides its action: amounts, dates, the acting unit and the policies
a text cites (its title is made in :mod:`index.measure_title`)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from index import measure_cues as cue
from index.docnum import BOOK_TITLE_RE, DOC_NUMBER_RE
from index.reply import Policy

_AMOUNT_RE = re.compile(
    r"(?<![\d.])(?:(?<!\d)-)?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*[-~～至到]\s*\d+(?:\.\d+)?)?"
    r"(?:余|多)?(?:个百分点|百分点|%|‰|[万亿千百]*(?:元|人次|人|户|家|个|项|平方米|平方公里|公里"
    r"|千米|米|吨|亩|台|套|件|条|所|辆|名|批|期|座|处|栋|间|场|次|张|笔|份)|[万亿]+)"
)
_CN_NUM = "一二三四五六七八九十两半几"
_DATE_RE = re.compile(
    rf"(?:到|自|从|截至|截止)?{cue.DATE_PATTERN}"
    r"|(?:今年|去年|明年)(?:\d{1,2}(?:-\d{1,2})?月|上半年|下半年|底|初|内|年底)?(?:前)?"
    r"|年底前|年内|月底前|近期内?|近日|日前|当日|当天|当晚|第一时间|截至目前|截止目前"
    rf"|(?:\d+|[{_CN_NUM}]+)个?(?:工作)?(?:日|天|周|月|年|小时)(?:内|以内)"
    r"|“[^”]{1,6}”(?:以来|期间)|每年|每月|每周|每天|每日|全年|年初|年终|今后|尽快|[^，。]{0,4}时限内"
    r"|(?:早上|上午|中午|下午|晚上|凌晨)?\d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?"
    r"|(?:早上|上午|中午|下午|晚上|凌晨)\d{1,2}[点时](?:\d{1,2}分)?"
)
_OPEN_BRACKET_RE = re.compile(r"\s*[（(]\s*")
_TRAILING_NOTE_RE = re.compile(r"(?:[（(][^（）()]{0,20}[）)])+$")
_POLICY_SUFFIX_RE = re.compile(
    r"(?:意见|通知|办法|规定|条例|法|规划|方案|措施|决定|细则|纲要|标准|计划|政策|指南|指引|制度"
    r"|通告|公告|批复|规则|目录|要点|规范|法典|章程|准则|守则|清单|导则|建议|决议|纪要|函|令)$"
)
_GENERIC_RE = re.compile(r"实施|暂行|试行|管理|若干|相关|有关|该|此|本")
_PROPOSAL_CONTEXT_RE = re.compile(r"(?:提出|号|您|代表|委员)[^。；]{0,8}$")
# 经X调查 / 由X组成: the unit after 经 or 由 is the one that acts.
_AGENT_PREFIX_RE = re.compile(r"^(?:经|由)(?!济|于)")
_AGENT_RE = re.compile(rf"(?:由|经)(?!济|于)(?P<unit>{cue.ACTOR_RE.pattern})")


def extract_amounts(text: str) -> tuple[str, ...]:
    """Figures with their unit, in order, without repeats: 212.5亿元, 147家, 41.6%, 0.3个百分点."""
    found = (re.sub(r"\s+", "", m[0]) for m in _AMOUNT_RE.finditer(text))
    return tuple(dict.fromkeys(found))


def extract_dates(text: str) -> tuple[str, ...]:
    """Dates and deadlines as written, in order, without repeats: 2024年9月, 年底前, 7日内."""
    found = (m[0] for m in _DATE_RE.finditer(text) if not _is_bare_month(m[0]))
    return tuple(dict.fromkeys(found))


def _is_bare_month(token: str) -> bool:
    # "12个月" inside a figure is a duration, not a date; "3月" alone is kept.
    return token.endswith("个月")


def find_actor(span: Sequence[str], before: Sequence[str] = ()) -> str | None:
    """The unit that acts, as written: the subject of a clause of the measure (``span``, in
    order), else of the clauses ``before`` it in the same sentence (nearest first), else a
    unit after 由/经 ("由县民政局代为缴纳"), else ``None``."""
    for clause in (*span, *reversed(before)):
        _, actor = cue.strip_lead(_AGENT_PREFIX_RE.sub("", clause))
        if actor:
            return actor
    for clause in span:
        m = _AGENT_RE.search(clause)
        if m:
            return m["unit"]
    return None


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
