"""A measure's short title: its verb and the object of that verb, ≤ 20 characters.

Staff use the title as a heading when drafting, so it must read as an action: the subject
(the actor is a field of its own), time and condition adverbials (于2019年12月, 从…起,
待…后, 按…要求, 力争到…年) and stage words go; what is left is cut only at jieba word
boundaries, at a phrase end, never inside a figure. A verb with no object of its own
(开工, 投入使用) takes the noun it is about ("北垣区第五小学开工").
"""

from __future__ import annotations

import re

from index import measure_cues as cue
from index.measure_pos import tag
from index.measure_title_fit import MAX_TITLE, fit
from index.measure_title_front import HEAD_JUNK_RE, drop_adverbials, strip_front
from index.measure_title_mend import (
    aim_of,
    cut_run_on,
    joined_with_next,
    made_by_units,
    matter_of,
    mend_vague,
    names_units,
)
from index.measure_title_phrase import (
    SUBJECT_TAIL_RE,
    about_of,
    done_to,
    drop_co_actors,
    with_counted_noun,
    with_subject,
)
from index.measure_title_topic import with_topic
from index.measure_title_verb import PLACE_OPENERS, has_object, verb_phrase

_CLAUSE_RE = re.compile(r"[，；;：。！？]|[,:](?!\d)")  # not inside 6:00 or 1,000
# Clauses that only set the scene or a condition: never the title's clause.
_SCENE_RE = re.compile(
    r"(?:后|时|期间|以来|之后|过程中|基础上|之下|情况下|范围内|的|方面)$"
    r"|^(?:接到|收到|为了?|如果?|若|凡|只要|一旦|按照|根据|依据|依照|通过|经过|随着|考虑到?|鉴于|由于)"
    r"|来看$|^(?!对)[^，。]{0,12}?发现(?!的)"
)
# 进行了解 is "looked into" (了解 stays); 进行了解释 is "explained" (了 goes).
_FILLER_RE = re.compile(
    r"进行(?:了(?!解(?![释答决]))|过)?|予以|作出(?!了?[“《])了?|(?<=[\u4e00-\u9fff])了(?![解结])"
)
# A note in brackets that holds clause punctuation (上午8：30—12:00，下午…) is not split.
_NOTE_RE = re.compile(r"[（(][^（）()]*[，；。,;][^（）()]*[）)]")
# 将X纳入/列入/修至…: X is what is disposed of, so the title reads 把X纳入… (an object).
_DISPOSAL_RE = re.compile(
    r"(?:将|把)(?=[^，。将把]{1,15}?(?:纳入|列入|修至|交由|转为|改为|调整为|移交|转交|迁至|并入))"
)
# A stage word after a topic: "征地工作已于2018年完成" is about 征地工作.
_SUBJECT_END_RE = re.compile(
    r"已经|已于|均已|已|正在|预计|(?<![做作])准备(?!工作)|即将|拟|计划(?!生育)|在(?=[^，。]{1,12}?(?:前|后|内))"
    r"|今年|明年|年底|年内|将于|将会|也将|将(?=对|在|与|按|于|把|继续|进一步|加[强大快]|持续|积极"
    r"|严格|及时|尽快|逐步|依法|全面|再)|按照?[^，。]{1,12}?要求|根据|依据|于(?=\d)|力争|(?:从|自)(?=\d)"
)
# A verb phrase may open with one of these and its object (对占道摊主宣传教育).
_TOPIC_HEAD_RE = re.compile(r"(?:工作|情况|问题|事项|项目|工程|手续|任务)$")
# A campaign held (进行“百日会战”整治行动): 进行 is its verb, read as 开展.
_CAMPAIGN_RE = re.compile(r"进行了?(?=“[^”]{2,12}”[^，。]{0,8}(?:行动|活动|检查|整治))")
_IN_PROGRESS_RE = re.compile(
    r"^(?P<topic>[^，。]{2,12}?)(?:正在|正)?(?:积极|稳步|加快|有序|全力)?"
    r"(?P<verb>推进|实施|办理|建设)(?:当)?中$"
)


# A finding, a rule or an effect ("检测结果为合格", "改造对象必须为…", "将造成浪费"): no act.
_FINDING_RE = re.compile(
    r"(?:结果|情况|对象|时间|率)(?:均|也)?(?:为|是|定于|如下|必须|\d)|表示满意|造成|问题$"
)
# A clause that only states a state or a figure: "正在整改当中", "规划面积6.8平方公里".
_STATE_RE = re.compile(
    r"(?:当中|之中)$|^[^，。]{0,8}(?:面积|总投资|投资额|金额|总长|长度|规模|占地)"
    r"(?:约|为|达|共|近|合计)?\d"
)
# A figure of an act named just before: 规划面积 belongs to 规划建设…, 总投资 to 投资….
_FIGURE_OF_RE = re.compile(r"^(?:总|计划)?(规划|建设|投资|改造|新建)(?:面积|规模|总投资|金额|总长)")
# The object is a generic noun ("加强对X的管理"): X is what the action is about.
# Others named before the main verb: "会同市市场监管局研究制定…" is 研究制定….
# Words of replies jieba splits ("约|谈", "棚|改"): a title must not start inside them.


def make_title(
    text: str, *, context: str = "", previous: str = "", following: str = "", topic: str = ""
) -> str:
    """The action and its object of the measure ``text`` in ≤ 20 characters.

    The title comes from the first clause that holds an action once its subject and
    adverbials are gone; ``context`` (the sentence before the measure) names what a verb
    without object is about; ``previous`` (the sentence before, when the measure opens its
    sentence) does so too, but never names what a count counts.
    "下一步，我局将加强巡查" -> "加强巡查";
    "计划2024年9月投入使用" after "第五小学已于2022年10月开工，" -> "第五小学投入使用".
    A text with no action (only "从12月10日起") takes it from the clause ``following`` it in
    its sentence. A bare handling verb (调查核实, 核实, 查处) takes the complaint the reply
    answers, ``topic`` (its 留言主题 or opening 关于…问题 clause), as its object when that
    fits: "我局立即进行了调查核实" on "投诉K9县同兴物流扰民" -> "调查核实K9县同兴物流扰民问题".
    """
    return with_topic(_title(text, context, previous, following), topic)


def _title(text: str, context: str, previous: str, following: str) -> str:
    """:func:`make_title` without the reply's topic."""
    text, context = _NOTE_RE.sub("", text) or text, _NOTE_RE.sub("", context)
    clauses = [c.strip() for c in _CLAUSE_RE.split(text) if c.strip()]
    lead = context or _NOTE_RE.sub("", previous)
    subject = _subject(lead)
    about = (about_of(_CLAUSE_RE.split(lead)[-1].strip()) or matter_of(lead)) if lead else ""
    for k, clause in enumerate(clauses):
        title = _clause_title(clause, subject, about)
        if title:
            nxt = _clause_title(clauses[k + 1], "") if k + 1 < len(clauses) else None
            title = joined_with_next(title, nxt or "") or title
            title = with_counted_noun(title, context + "，" + text, previous)
            title = cut_run_on(mend_vague(title, lead))
            return _no_new_repeats(_from_word_start(title, clause), text)
        subject = _subject(clause) or subject
        about = about_of(clause) or about
    # No action anywhere: the first clause that says more than a time, a condition or a
    # state, else the measure's text itself (never an empty heading).
    rests = [r for r in map(strip_front, clauses) if len(r) >= 2 and not _is_scene(r)]
    states = any(_STATE_RE.search(c) for c in clauses)
    act = _CLAUSE_RE.split(context)[-1].strip()
    figure = _FIGURE_OF_RE.match(clauses[0]) if clauses and not rests else None
    if figure and figure.group(1) in act:  # "规划面积6.8平方公里" after "…规划建设…园区"
        title = _clause_title(act, "")
        if title:
            return _no_new_repeats(_from_word_start(title, act), act)
    if not states and all(map(names_units, rests)):  # only a time or who acts
        nxt = _CLAUSE_RE.split(_NOTE_RE.sub("", following).strip("，,；; "))[0].strip()
        opens = cue.head_verb(nxt) or strip_front(nxt).startswith(PLACE_OPENERS)
        acts = nxt and opens and not _FINDING_RE.search(nxt)
        title = _clause_title(nxt, subject, about) if acts else None
        if title:  # the scene the text sets ("从12月10日起") and the act that follows it
            return _no_new_repeats(_from_word_start(title, nxt), nxt)
    return fit(rests[0] if rests else HEAD_JUNK_RE.sub("", text) or text)


def _is_scene(text: str) -> bool:
    """Whether ``text`` only sets a time, a condition, a state or a figure."""
    return bool(_SCENE_RE.search(text) or _STATE_RE.search(text) or not strip_front(text))


def _from_word_start(title: str, clause: str) -> str:
    """``title`` widened to the jieba word it starts inside ("谈开发商" -> "约谈开发商")."""
    at = clause.find(title[:4])
    if at <= 0:
        return title
    pos = 0
    for word, _ in tag(clause):
        if pos < at < pos + len(word):
            if not drop_adverbials(clause[pos:at]) and pos + len(word) - at >= 2:
                return title  # "广泛|开展": the adverb stays out; "再|行开放" does not
            return fit(clause[pos:at] + title)
        pos += len(word)
    return title


def _no_new_repeats(title: str, text: str) -> str:
    """``title`` without a doubled character the text does not double ("发发放")."""
    return re.sub(r"(.)\1", lambda m: m.group() if m.group() in text else m.group(1), title)


def _clause_title(clause: str, subject: str, about: str = "") -> str | None:
    """The title of one clause, or ``None`` when the clause names no action."""
    going = _IN_PROGRESS_RE.match(clause)
    if going:  # "该项工作正在积极推进中" is 推进该项工作
        return fit(going.group("verb") + going.group("topic").split("的")[-1])
    if _SCENE_RE.search(clause) or _STATE_RE.search(clause) or cue.CITIZEN_RE.match(clause):
        return None
    disposal = _DISPOSAL_RE.search(clause)
    if disposal:  # "将苏波本人纳入低保": what follows 将 is the object, not a subject
        return fit("把" + _FILLER_RE.sub("", clause[disposal.end() :]))
    rest, topic = strip_front(clause), ""  # the actor is a field of its own, not a topic
    if names_units(rest):  # "区住建局、区住保中心联合月亮岛街道": who acts, not the act
        return None
    rest = drop_adverbials(drop_co_actors(rest))
    if aim_of(rest) or made_by_units(clause):  # "为早日实现…积极开展各项工作"
        return fit(aim_of(rest) or made_by_units(clause))
    stage = _SUBJECT_END_RE.search(rest)
    if stage and _inside_quote(rest[: stage.start()]):  # 作出“已经妥善处理”的回复
        stage = None
    if stage and stage.start() >= 2 and _is_topic(rest[: stage.start()]):
        topic, rest = rest[: stage.start()], strip_front(rest[stage.start() :])
    words = tag(_FILLER_RE.sub("", _CAMPAIGN_RE.sub("开展", rest)))
    found = verb_phrase(words)
    if found is None:
        return None
    start, verb = found
    before = "".join(w for w, _ in words[start:verb])
    predicate = "".join(w for w, _ in words[verb:])
    if start:  # "房屋拆迁实物详查工作已全面完成": a topic, not a verb
        topic = topic or "".join(w for w, _ in words[:start])
    title = before.replace("将", "把", 1) + predicate
    disposed = "把" + SUBJECT_TAIL_RE.sub("", topic) + title
    if words[verb][0] in ("纳入", "列入") and topic and not before and len(disposed) <= MAX_TITLE:
        title = disposed  # "预收费全部纳入…" is 把预收费纳入…
    acts_only = about and not topic and not has_object(words[verb:], vn_object=False)
    if not before and (acts_only or not has_object(words[verb:])):
        # "对于该酒吧的整改落实情况，我局将持续跟踪": what 跟踪 is about came first.
        if about and not topic and len(about) <= 12:
            title = title + about
        else:
            thing = topic or subject  # "正在进行调试" after "…工程已全部完成": 调试…工程
            done = done_to(title, thing) if drop_adverbials(thing) == thing else ""
            title = done or with_subject(topic or subject, title)
    return fit(HEAD_JUNK_RE.sub("", title) or title)


def _inside_quote(text: str) -> bool:
    """Whether ``text`` leaves a quote or a document name open."""
    return any(text.count(a) > text.count(b) for a, b in ("“”", "《》"))


def _is_topic(text: str) -> bool:
    """Whether ``text`` (before 已/将…) is what the clause is about, not a verb phrase:
    "征地工作" or "5月份的退休养老金", not "要求两家企业" nor "将免费提供" (将 is "will")."""
    if re.match(r"将|会|要", text) and any(cue.ACTION_VERB_RE.fullmatch(w) for w, _ in tag(text)):
        return False
    return not cue.ACTION_VERB_RE.match(text) or bool(_TOPIC_HEAD_RE.search(text))


def _word_starts(text: str, at: int) -> bool:
    """Whether a jieba word of ``text`` starts at ``at``."""
    pos = 0
    for word, _ in tag(text):
        if pos >= at:
            return pos == at
        pos += len(word)
    return False


def _subject(text: str) -> str:
    """The noun the last clause of ``text`` is about: what stands before its first stage
    word (已/将/正在…)."""
    clause = _CLAUSE_RE.split(text)[-1]
    m = re.search(r"已|将|正在|计划|预计|于\d", clause)
    if not m or m.start() < 2 or not _word_starts(clause, m.start()):
        return ""  # "该麻将馆": 将 inside a word is no stage word
    head = drop_adverbials(cue.strip_lead(clause[: m.start()])[0] or clause[: m.start()])
    words = tag(head)  # "向市里申报用编", "博雅路灯暂未纳入建设": not a thing acted on
    acts = not words or words[0][1] == "p" or any(w in ("不", "有", "没有") for w, _ in words)
    if acts or re.search(r"未|拟", head):
        return ""
    return head if len(head) >= 2 and _is_topic(head) else ""
