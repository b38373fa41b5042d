"""The reply's topic as the object of a bare handling verb (调查核实 -> 调查核实X问题).

Many message replies report "我局立即进行了调查核实" or "经区环保局核实": the title's verb names
no object, and nothing in its sentence does either, but the record's 留言主题 does
(「投诉K9县同兴物流扰民」) or the reply's opening clause (「关于您反映的…问题」). Only a
complaint reads naturally after such a verb (调查核实同兴物流扰民问题); a request (请求…,
希望…), a suggestion or a question (…怎么还没修好？) does not, so those give nothing.
"""

from __future__ import annotations

import re

from index.measure_title_fit import MAX_TITLE

# A title that is only a verb of looking into or handling a complaint, with no object.
_BARE_HANDLING_RE = re.compile(
    r"(?:(?:立即|迅速|认真|依法|依规|严肃|进一步|立案|组织|展开|开展|到现场|现场|实地)?"
    r"(?:调查核实|调查了解|调查处理|调查取证|核实处理|协调解决|协调处理|调查|核实|核查|处理|处置"
    r"|查处|协调|办理|办结|审核|督办|督查|整改|了解))+"
)
# The complaint a 留言主题 or an opening clause names, after its lead and before its tail.
_COMPLAINT_LEAD_RE = re.compile(
    r"^(?:关于|对于|针对)?(?:您|网友)?(?:在[^，。]{1,12}?)?"
    r"(?:投诉|举报|反映|来信反映|所反映|留言反映|提出|所诉|所提)的?(?:关于)?[“\"]?"
)
_ABOUT_LEAD_RE = re.compile(r"^(?:关于|对于|针对)[“\"]?")
_COMPLAINT_TAIL_RE = re.compile(
    r"(?:[”\"]?的?(?:问题|情况|一事|事宜|投诉|反映|举报|投诉信)[”\"]?)+$"
)
# Requests, suggestions and questions are no complaint a verb can be done to.
_NOT_COMPLAINT_RE = re.compile(
    r"[？?，,；;、]|吗|么|何时|为何|为什么|是否|能否|可否|可以|多少|哪|如何"
    r"|^(?:请求|恳请|希望|建议|要求|呼吁|咨询|申请|盼|求|坚决|强烈|反对|质疑|支持|感谢|表扬)"
)
# A complaint that already ends in what it is ("…民生诉求", "…欺诈行为") takes no 问题.
_NAMES_A_MATTER = ("问题", "诉求", "行为", "现象", "隐患")
_PLACE_CODE_RE = re.compile(r"^(?:[A-Z]\d{0,2}[省市县区])+")


def complaint_of(topic: str) -> str:
    """The complaint ``topic`` names as a noun phrase ending in 问题 ("" when it names none):
    "投诉K9县同兴物流扰民" -> "K9县同兴物流扰民问题"; "关于您反映的“A7县明诚驾校退费难的问题”"
    -> "A7县明诚驾校退费难问题"; "请求在…设置减速装置" -> ""."""
    text = re.sub(r"\s+", "", topic).rstrip("！!。.？?")
    lead = _COMPLAINT_LEAD_RE.match(text) or _ABOUT_LEAD_RE.match(text)
    tail = _COMPLAINT_TAIL_RE.search(text)
    if not lead and not tail:
        return ""  # a bare noun phrase: whether it is a complaint cannot be told
    core = text[lead.end() if lead else 0 : tail.start() if tail else len(text)]
    core = core.strip('“”"')
    if len(core) < 4 or _NOT_COMPLAINT_RE.search(core):
        return ""
    if not _COMPLAINT_LEAD_RE.match(text) and not tail:
        return ""  # "关于房产证上加名" without 问题/投诉: a question, not a complaint
    return core if core.endswith(_NAMES_A_MATTER) else core + "问题"


def with_topic(title: str, topic: str) -> str:
    """``title`` with the reply's complaint as its object when it is a bare handling verb
    (调查核实 -> 调查核实同兴物流扰民问题); the place code goes first when the whole would
    pass ``MAX_TITLE``, and a title that still does not fit stays as it was."""
    if not topic or not _BARE_HANDLING_RE.fullmatch(title):
        return title
    complaint = complaint_of(topic)
    for thing in (complaint, _PLACE_CODE_RE.sub("", complaint)):
        if thing and len(title) + len(thing) <= MAX_TITLE:
            return title + thing
    return title
