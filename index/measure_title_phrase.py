"""Phrases a measure's title leaves out or brings in besides its verb and object.

Units that act alongside the actor (联合区拆违大队、南大门市场管理处一同去往现场调查) are
not the action: the title starts at what they did. What a bare count counts (建成4所) is
named from an earlier count with the same measure word (中小学校12所). A verb without
object takes what it is about: a 对于…/对…一事 clause, the topic it was done to
(安全隐患已整改完毕 -> 整改安全隐患), else the noun of the sentence before.
"""

from __future__ import annotations

import re

from index import measure_cues as cue
from index.measure_pos import tag
from index.measure_title_fit import MAX_TITLE, fit

# Units acting together with the actor, then where the act itself starts.
_CO_ACTOR_RE = re.compile(
    r"^(?P<lead>[^，。对在将把已]{0,10}?)(?:会同|联合|协同|携手|与|和|同)"
    r"(?P<units>[^，。]{2,30}?)"
    r"(?P<stop>一同|一起|共同|(?:于|在|从)(?=\d)|到(?!位)|赴|深入|前往|去往|在|对|为|向|就)"
)
# Verbs done *with* someone: "与当事人沟通" keeps its partner.
_WITH_VERB_RE = re.compile(r"沟通|联系|对接|协商|交流|座谈|确认|合作|会商|洽谈|签订|签署|约定|商定")
_UNIT_WORD_RE = re.compile(
    r"(?:局|办|所|站|队|中心|部门|处|街道|社区|政府|委|公司|人员|队员|干部|集团)$"
)


# Verbs a topic undergoes ("安全隐患已整改完毕"): the title puts the verb first.
_UNDERGONE_RE = re.compile(
    r"(完成|启动|实施|推进|落实|办理|发放|整改|拨付|调试|验收|修复|更换|解决|处理|改造|受理)"
    r"(?:完毕|到位|结束|完成)?"
)
_UNIT_END_RE = re.compile(r"(?:局|办|所|站|中心|部门|政府|委员会|公司|中队|大队|街道|社区)$")
SUBJECT_TAIL_RE = re.compile(r"(?:也|均|都|还|又|便|就|全部|亦)+$")
_PERSON_RE = re.compile(
    r"^(?:我|您|你|他|她|其(?!他)|该(?:单位|部门|公司)|来信|来电|留言|信件|关于|对于|针对)"
)  # who wrote or what the reply is about, never the thing acted on
_ABOUT_RE = re.compile(r"^(?:对于|针对|关于)")
# "对…一事", "您提出的宝贵建议": a clause that only names what the next verb is about.
_MATTER_RE = re.compile(
    r"^(?:对|就)?(?:网友|您|你)?[^，。]{0,12}?(?:反映|提出|反馈|所诉|所提)?的?"
    r"[^，。]*?(?:一事|事宜|问题|诉求|建议|意见)$"
)
_COUNT_ONLY_RE = re.compile(r"[\u4e00-\u9fff]{2,4}\d+(?:\.\d+)?[所个座家处条项栋台辆名户间]")
_GENERIC_NOUNS = frozenset("方面 工作 问题 情况 事项 部门 单位 我们 我局 群众 市民".split())
CLAUSE_END_RE = re.compile(r"[，；;：。！？]|[,:](?!\d)")  # not inside 6:00 or 1,000
_QUOTED_RE = re.compile(r"“([^”了]{2,12})”")


def drop_co_actors(rest: str) -> str:
    """``rest`` from where the act starts when co-acting units open it: "联合区拆违大队、
    南大门市场管理处一同去往现场调查处理" -> "去往现场调查处理"; "执法人员与…环保站工作人员
    于2019年5月20日到该公司…" -> "于2019年5月20日到该公司…" (the caller drops the date)."""
    m = _CO_ACTOR_RE.match(rest)
    if not m or _WITH_VERB_RE.search(rest[m.end("units") :]):
        return rest
    units, lead = m.group("units"), m.group("lead")
    if cue.ACTION_VERB_RE.search(units) and not _UNIT_WORD_RE.search(units):
        return rest  # "与新联华集团联合策划": the units are not all that comes before
    if lead and not _UNIT_WORD_RE.search(lead) and lead not in ("会同", "联合"):
        return rest  # "规划建设与…": the lead is an act, not the actor
    if not _UNIT_WORD_RE.search(units) and not cue.ACTOR_RE.search(units):
        return rest  # "对辐射与噪音…": not units
    after = rest[m.start("stop") :]
    after = re.sub(r"^(?:一同|一起|共同)", "", after)
    return after if len(after) >= 4 else rest


def counted_noun(count: str, before: str) -> str:
    """The noun an earlier count of the same measure word counts: "4所" after
    "新建中小学校12所，…" -> "中小学校"; "" when none is named."""
    unit = count[-1]
    found = list(re.finditer(rf"(\d+(?:\.\d+)?){unit}", before))
    for m in reversed(found):
        words = tag(before[: m.start()])
        nouns: list[str] = []
        for word, flag in reversed(words):
            nounish = flag.startswith(("n", "j")) or not cue.ACTION_VERB_RE.fullmatch(word)
            if not nounish or flag.startswith(("m", "q", "d", "p", "u", "x", "r", "c")):
                break
            if word in ("计划", "工作"):
                break
            nouns.insert(0, word)
        while nouns and _is_act_word(nouns[0]):
            nouns.pop(0)  # "改扩建中小学13所": what is counted is 中小学
        if nouns:
            return "".join(nouns)
    return ""


def _is_act_word(word: str) -> bool:
    """Whether ``word`` is an act (改扩建, 新建), not a thing ("建设项目")."""
    m = cue.ACTION_VERB_RE.search(word)
    return bool(m and m.end() == len(word)) or tag(word)[0][1].startswith("v")


def about_of(clause: str) -> str:
    """What a 对于/针对/关于 or "对…一事" clause names ("" when it is not one): a short
    quote inside it stands for the matter ("对网友发的“退休干部独生子女补贴”一事")."""
    if _ABOUT_RE.match(clause):
        return _ABOUT_RE.sub("", clause)
    if not _MATTER_RE.match(clause) or any(cue.ACTION_VERB_RE.fullmatch(w) for w, _ in tag(clause)):
        return ""
    quoted = _QUOTED_RE.search(clause)
    if quoted:
        return quoted.group(1)
    return "" if "“" in clause else re.sub(r"^(?:对|就)", "", clause)


def done_to(verb: str, topic: str) -> str:
    """The act done to ``topic``: "征地工作已于…完成" reads "完成征地工作"; "" when ``verb``
    is not one a thing undergoes or there is no topic of the clause's own."""
    m = _UNDERGONE_RE.fullmatch(verb)
    topic = SUBJECT_TAIL_RE.sub("", topic)
    if topic[:1] in "、，和及与" and "的" in topic:  # "3月份、4月份的…": the date went
        topic = topic.rsplit("的", 1)[1]
    if not m or not topic or _PERSON_RE.match(topic) or _UNIT_END_RE.search(topic):
        return ""
    title = m.group(1) + topic
    if len(title) > MAX_TITLE and "的" in topic:  # only the head of a long topic
        title = m.group(1) + topic.rsplit("的", 1)[1]
    return fit(title)


def with_subject(subject: str, predicate: str) -> str:
    """``subject`` + ``predicate``, the subject cut from its front at word boundaries."""
    subject = SUBJECT_TAIL_RE.sub("", subject)
    if not subject or _PERSON_RE.match(subject) or cue.ACTOR_RE.fullmatch(subject):
        return predicate  # a unit or a pronoun is the actor, not what the act is about
    if _UNIT_END_RE.search(subject):
        return predicate  # "退休养老金市机关社保局": it ends with the unit that acts
    words = [w for w, _ in tag(subject)]
    while words and len("".join(words)) + len(predicate) > MAX_TITLE:
        words.pop(0)
    return "".join(words) + predicate


def with_counted_noun(title: str, text: str, previous: str = "") -> str:
    """A verb whose object is only a count names what is counted: "建成4所" -> "建成4所学校"
    when the sentence (or an earlier count of the same measure word in the sentence
    ``previous``) names the noun before and the count ends its clause."""
    at = text.rfind(title)
    end = at + len(title)
    if at < 0 or not _COUNT_ONLY_RE.fullmatch(title) or not tag(title)[-3][1].startswith("v"):
        return title  # only a verb before the count: "开放泊位1530个" names its object
    if end < len(text) and not CLAUSE_END_RE.match(text, end):
        return title  # "开放泊位1530个，…" is whole; "建成4所" at a clause's end is not
    noun = counted_noun(title[-3:], text[:at]) or counted_noun(title[-3:], previous)
    if not noun:  # else the last noun of an earlier clause ("新建学校方面，…建成4所")
        words = tag(text[: text.rfind("，", 0, at) + 1])
        nouns = [w for w, f in words if f in ("n", "nz", "nt") and w not in _GENERIC_NOUNS]
        noun = nouns[-1] if nouns else ""
    return fit(title + noun) if noun else title
