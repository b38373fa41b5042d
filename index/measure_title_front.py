"""What stands before a measure's verb: its subject, stage words and adverbials.

A title drops them (the actor is a field of its own): time and condition adverbials
(于2019年12月, 从…起, 待…后, 按…要求, 在法定时限内), stage words (已/将/正在) and the subject
``strip_lead`` finds, which never ends inside a word ("执法队|员").
"""

from __future__ import annotations

import re

from index import measure_cues as cue
from index.measure_pos import tag

# Adverbials before the verb, dropped wherever they open the rest of a clause.
ADVERBIAL_RE = re.compile(
    r"^(?:(?:自|从|于|在|到|至|截至|截止)?"
    rf"(?:{cue.DATE_PATTERN})(?:起|开始|以来|前|后|内|底|初)?"
    r"|(?:从|自)[^，。]{1,15}?(?:起|开始)"
    r"|在?(?:近期|短期|法定时限|规定时限|规定期限|规定时间"
    r"|[\d一二两三四五六七八九十半]+个?(?:工作日|小时|月|天|日|周|年))内"
    r"|[、，]?[^，。]{0,12}?等不同时间?段"
    r"|待[^，。]{1,20}?后|在[^，。]{1,20}?(?:时间内|过程中|基础上|情况下|期间|之际|(?:后|前|下)(?![方面边])|时)"
    r"(?=[\u4e00-\u9fff])|(?:关于|对于|针对)[^，。]{1,30}?(?:问题|情况|一事|事项|事件|诉求)的?"
    r"|(?:严格)?(?:按照|按|根据|依据|依照|遵照)[^，。]{0,20}?(?:的)?"
    r"(?:要求|规定|标准|部署|安排|意见|精神|程序)"
    r"|在[^，。]{1,16}?等?(?:位置|地段|路段|前方|两侧|附近|周边|一带)(?=[\u4e00-\u9fff])"
    r"|(?:力争|争取|计划|预计|拟)(?:到|在|于)?\d{4}年(?:底|前|内|初)?(?:前)?"
    r"|(?:早上|上午|中午|下午|晚上|凌晨)?\d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?[,，、]?"
    r"|\d{1,2}[时点](?:\d{1,2}分)?(?:\d{1,2}秒)?(?:许|左右)?|\d{1,2}秒|(?:早晨|早上|中午|傍晚|夜间)(?=[\u4e00-\u9fff])"
    r"|在《[^《》]{1,40}》(?:中|上|里)"
    r"|预计|即将|准备(?!工作)|拟|的(?=[\u4e00-\u9fff])|[做作]了?计划(?=[\u4e00-\u9fff])"
    r"|力争(?!取)|第一时间|截至目前|目前|现已|现|同时|随即|随后|当即|立即|立刻|马上|及时|迅速|专门|依法|切实"
    r"|已经|已于|已|均已|也已|都已|业已|正在进行|正在|正|将于|将会|将(?=[继进加逐全尽积持在按依对与根不])"
    r"|会(?![同议商签])|也|还|均|都"
    r"|以[^，。]{2,16}?为(?:龙头|主|重点|抓手|依托|核心|载体|主体|牵头)"
    r"|全部|全力|广泛|再次|下一步|下步|今后|接下来|近期|近日|日前|本周|下周|本月|下月|随后|之后|并且|而且|并|且|但是|但|另外|此外|又"
    r"|继续|进一步|全面|积极|认真|逐步|尽快|主动|持续|不断|陆续|相继|先后|多次|共|累计|再"
    r"|大力|努力(?=争取)|[\u4e00-\u9fff]{2}地(?=[\u4e00-\u9fff]{2}))"
)
# Verbs that also name a unit's line of work (执法大队, 督查组): a subject may open with one.
_UNIT_LINE_RE = re.compile(r"执法|督查|调查|巡查|稽查|监察|检察|审计|规划|建设|管理|服务|监督|检测")
# A word that names a unit or a person of one ("镇政府", "执法队员"): a subject cut inside
# it ends after it, never inside.
_UNIT_WORD_END_RE = re.compile(r"(?:员|政府|局|委|办|所|站|队|中心|公司|部门|街道|社区)$")
_KEPT_ADVERB_RE = re.compile(r"加快|加强|加大|严格")
# What ``strip_lead`` leaves of a subject: the people of the unit it stripped ("我局|执法人员
# 已对…"), or a unit after a place code ("C4市|高速公路建设协调指挥部到…"), before a stage
# word, an adverb or a preposition.
_SUBJECT_LEFT_RE = re.compile(
    r"^(?:(?:执法|工作|管理|技术|相关)?人员|执法队员|队员|干部|民警|[\u4e00-\u9fff]{1,2}员"
    r"|[\u4e00-\u9fff]{2,16}?(?:指挥部|办公室|领导小组|管理处|委员会)(?:工作人员)?)"
    r"(?=已|将|正在|立即|及时|迅速|多次|每|都|也|会(?!议)|到|赴|对|向|于|在|与|和)"
)
HEAD_JUNK_RE = re.compile(r"^[^\u4e00-\u9fffA-Za-z0-9《“]+|^[^（(，]{0,4}[）)]")


def strip_front(clause: str) -> str:
    """``clause`` without its subject, stage words and adverbials ("" if nothing else)."""
    rest = drop_adverbials(HEAD_JUNK_RE.sub("", clause))
    if rest:
        stripped, actor = cue.strip_lead(rest, keep_object=True)
        cut = _actor_end(rest, len(rest) - len(stripped), actor)
        left = _SUBJECT_LEFT_RE.match(rest[cut:]) if actor and cut else None
        if left and (left.group().endswith("员") or not cue.ACTION_VERB_RE.match(left.group())):
            cut += left.end()  # "我局执法人员已对王强益…": 执法人员 is the subject too
        stripped = rest[cut:]
        kept = _KEPT_ADVERB_RE.match(rest[max(0, cut - 2) : cut]) if stripped else None
        rest = (kept.group() if kept else "") + stripped  # "加快停车场建设" is the action
    return drop_adverbials(rest) if rest else rest


def _actor_end(rest: str, cut: int, actor: str | None) -> int:
    """Where the subject ``strip_lead`` found really ends: never inside a word ("执法队|员"),
    and nowhere when it opens with a verb ("提交区人民政府研究决策" is an act)."""
    if not actor:
        return cut
    words = tag(rest)
    if words[0][1] == "v" and not _UNIT_LINE_RE.match(words[0][0]):
        return 0
    pos = 0
    for word, _ in words:
        if pos < cut < pos + len(word):  # "执法队|员" ends later, "全乡|镇区" is no subject
            if _UNIT_WORD_END_RE.search(word):  # "江背|镇政府": the unit is the subject
                return pos + len(word)
            return 0 if pos == 0 else pos
        pos += len(word)
    return cut


def drop_adverbials(text: str) -> str:
    for _ in range(8):  # adverbials come in any order
        m = ADVERBIAL_RE.match(text)
        if not m:
            break
        text = text[m.end() :]
    return text
