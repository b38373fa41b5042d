"""Mending a measure's title whose object is missing, vague or a pronoun.

Reviewers rejected titles that name no concrete thing (跟踪检查, 研究相应的办法解决,
对他教育, 把其列入…计划) when the reply names it a clause or a sentence earlier
(对于该酒吧的整改落实情况, 关于购票大厅没有凳子的问题, 对于该医生指导其妻子看病的事). These
helpers find that matter and put it into the title; a clause that names only the units who
act (区住建局、区住保中心联合月亮岛街道) is told apart so its act can come from the next clause.
"""

from __future__ import annotations

import re

from index import measure_cues as cue
from index.measure_pos import tag
from index.measure_title_phrase import CLAUSE_END_RE

# "关于购票大厅没有凳子的问题", "对于该酒吧的整改落实情况": what the reply is answering.
_MATTER_RE = re.compile(
    r"^(?:关于|对于|针对)(?:您|网友)?(?:反映|提出|所诉|所提)?的?(?P<m>[^，。“”]{2,14}?)"
    r"(?:的)?(?P<k>问题|情况|一事|事宜|诉求)$"
)
# "您反映“L9县县明耻巷路灯几个月没亮了”一事": a quoted complaint, named by its first nouns.
_QUOTED_MATTER_RE = re.compile(
    r"(?:您|网友)(?:反映|提出|来信反映)的?“(?P<q>[^”]{2,30})”(?:一事|的问题)"
)
# What the matter's noun phrase may hold (place codes, names, nouns).
_NOUN_FLAGS = ("n", "eng", "j", "s", "zg", "b")
# A vague act that only says "we will look for a way to solve it".
_VAGUE_SOLVE_RE = re.compile(
    r"^研究(?:相应|有关|具体)?的?(?:办法|措施|方案|对策)(?:予以|加以)?(?P<v>解决|处理)$"
)
# "对他教育", "对其批评教育": a pronoun as the object.
_PRONOUN_OBJECT_RE = re.compile(r"^对(?:他|她|其)(?P<v>[\u4e00-\u9fff]{2,4})$")
_THAT_ONE_RE = re.compile(r"该(?:[\u4e00-\u9fff]{1,3}?)(?=[^\u4e00-\u9fff]|指导|的|在|[已将未]|$)")
# 将/把其 after "您建议的…": 其 is the suggestion.
_SUGGESTION_RE = re.compile(r"您(?:的)?(?:建议|提出的建议|所提建议)|您建议")
# "为早日实现两地的一体化交通积极开展各项工作": the aim is the act, 开展各项工作 says nothing.
_AIM_RE = re.compile(
    r"^为了?(?:早日|尽快|进一步)?(?:实现|推进|推动|加快)?(?P<aim>[^，。]{4,14}?)"
    r"(?:积极|全力|认真)?(?:开展|做好|推进)(?:各项|相关|有关)?工作$"
)
# "市委宣传部和A6区联合打造的大型舞剧《君生我未生》在法国…上演": the units' act is 打造.
_MADE_BY_RE = re.compile(
    r"^[^，。]{2,16}?(?:联合|共同|携手)(?P<v>打造|推出|举办|创作|策划|制作|编排|建设)的"
    r"(?P<n>[^，。]{2,16}?)(?=在|于|[，。]|$)"
)
# "批准车队调整线路的申请对216路进行了线路调整": two acts with no comma between them.
_RUN_ON_RE = re.compile(r"^(?P<a>[^，。对]{4,}?的(?:申请|请求|报告|建议|意见|诉求))对[^，。]{2,}$")
# "与新联华集团联合策划，于2018年推出…": a joint act whose object is the next clause's.
_JOINT_ONLY_RE = re.compile(r"^[与和同][^，。]{2,12}?(?:联合|共同|一起)[\u4e00-\u9fff]{2}$")
# "组成工作小组，规范赶集群众停车": a team formed is the means, the next act its purpose.
_MEANS_RE = re.compile(r"^(?:组成|成立|组建|抽调)[^，。]{0,6}?(?:小组|专班|工作组|力量)$")
# A unit word that ends a list of who acts ("…消防等相关部门", "…联合月亮岛街道").
_UNIT_TAIL_RE = re.compile(
    r"(?:局|办|所|站|队|中心|部门|处|街道|社区|政府|委|公司|人员|队员|干部|集团|单位)$"
)


def matter_of(lead: str) -> str:
    """The matter a clause of ``lead`` names as what the reply answers ("" if none), at most
    12 characters: "关于购票大厅没有凳子的问题" -> "购票大厅没有凳子的问题"."""
    for clause in reversed([c.strip() for c in CLAUSE_END_RE.split(lead) if c.strip()]):
        m = _MATTER_RE.match(clause)
        if m and not re.match(r"(?:您|网友|你)", m.group("m")):
            matter = m.group("m") + ("的" if m.group("k") == "问题" else "") + m.group("k")
            matter = matter.replace("的的", "的")
            if len(matter) <= 12:
                return matter
    quoted = _QUOTED_MATTER_RE.search(lead)
    return _first_nouns(quoted.group("q")) if quoted else ""


def _first_nouns(text: str) -> str:
    """The noun phrase ``text`` opens with ("L9县县明耻巷路灯几个月没亮了" -> "L9县县明耻巷路灯");
    a lone adjective inside a name (明|耻|巷) does not end it."""
    out, words = "", tag(text)
    for k, (word, flag) in enumerate(words):
        inside = flag == "a" and len(word) == 1 and k + 1 < len(words)
        if not (flag.startswith(_NOUN_FLAGS) or (inside and words[k + 1][1].startswith("n"))):
            break
        out += word
    return out if 2 <= len(out) <= 12 else ""


def mend_vague(title: str, lead: str) -> str:
    """``title`` with what it is about when it names nothing concrete: "研究相应的办法解决"
    after "关于购票大厅没有凳子的问题" -> "研究解决购票大厅没有凳子的问题"; "对他教育" after
    "对于该医生…" -> "教育该医生"."""
    vague = _VAGUE_SOLVE_RE.match(title)
    if vague:
        matter = matter_of(lead)
        return "研究" + vague.group("v") + matter if matter else title
    pronoun = _PRONOUN_OBJECT_RE.match(title)
    if pronoun and cue.ACTION_VERB_RE.search(pronoun.group("v")):
        one = _THAT_ONE_RE.findall(lead)
        return pronoun.group("v") + one[-1] if one else title
    if title.startswith("把其") and _SUGGESTION_RE.search(lead):
        return "把该建议" + title[2:]
    return title


def aim_of(clause: str) -> str:
    """The aim of a clause whose act is only "开展各项工作" ("" when it is not one):
    "为早日实现两地的一体化交通积极开展各项工作" -> "推进两地的一体化交通"."""
    m = _AIM_RE.match(clause)
    if not m or cue.ACTION_VERB_RE.match(m.group("aim")):
        return ""
    return "推进" + m.group("aim")


def names_units(rest: str) -> bool:
    """Whether ``rest`` only names who acts: "L6县规划、国土、…等相关部门",
    "区住建局、区住保中心联合月亮岛街道" (no act of its own)."""
    if not _UNIT_TAIL_RE.search(rest):
        return False
    return not any(
        cue.ACTION_VERB_RE.fullmatch(w) and w not in ("联合", "会同", "配合", "组织", "规划")
        for w, _ in tag(rest)
    )


def made_by_units(clause: str) -> str:
    """The act of units named as what made a thing ("" when the clause is not one):
    "市委宣传部和A6区联合打造的大型舞剧《君生我未生》在…上演" -> "打造大型舞剧《君生我未生》"."""
    m = _MADE_BY_RE.match(clause)
    return m.group("v") + m.group("n") if m else ""


def cut_run_on(title: str) -> str:
    """``title`` up to where a second act starts without a comma: "批准车队调整线路的申请对
    216路线路调整" -> "批准车队调整线路的申请"."""
    m = _RUN_ON_RE.match(title)
    return m.group("a") if m else title


def joined_with_next(title: str, following: str) -> str | None:
    """The title when the next clause completes this one (``None`` when it does not):
    a joint act without object takes the next act ("与新联华集团联合策划" + "推出“黑石号”…"
    -> the latter); a team formed takes its purpose ("组成工作小组规范赶集群众停车")."""
    if not following:
        return None
    if _JOINT_ONLY_RE.match(title):
        return following
    if _MEANS_RE.match(title) and len(title) + len(following) <= 20:
        return title + following
    return None
