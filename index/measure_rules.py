"""Rules beside the learned clause model of :mod:`index.measures`, where the genre is regular.

The model sees few examples (the dev split of the labelled sample), so what the genre says
plainly is said here: a lead-in (:mod:`index.measure_leads`: "经调查了解，" / "交通事故发生后，")
never heads a measure; in a
message reply an action verb after 并/同时, after a named unit or with 了 does,
and a noun phrase, the citizen's part, a list intro or an explanation (可/应, 是) does not;
in a formal reply the action clauses inside numbered sections do. Each rule was kept when
it raised the out-of-fold figures of ``python -m bench.measures_train --cv-only``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from index import measure_cues as cue
from index.clauses import Clause
from index.measure_features import ClauseCues, clause_cues_cached, intro_of
from index.measure_leads import is_lead_in

__all__ = ["apply_rules", "parallel_act"]

# Message-reply clauses that do not state an action: a noun phrase ("已办理补卡手续的"),
# what the citizen did or may do, an explanation (可/应 without 已/将), a copula ("…是…").
_NOUN_PHRASE_RE = re.compile(r"的$")
# A passive finding (被鉴定为五类危桥, 被规划为商业用地), a finding (了解到…, 鉴定为C级),
# advice (建议…), an exhortation (二要完善制度), a condition (只有…), an effect (有利于…,
# 促进了…), a result (供水已恢复正常, 日趋均衡, 取得长足的发展) or an act not taken (一直没有
# 采取过激行为, 暂未纳入建设计划): none of the 37 such dev clauses is labelled a measure.
_NOT_AN_ACT_RE = re.compile(
    r"被[^，。]{0,12}为|(?:鉴定|认定|核定|确定|评定|界定)为|^建议|^(?:了解到|发现|查明|据了解|据查)"
    r"|^(?:只有|只要)|^[一二三四五六七八九十]要|有利于|有助于|促进了|^(?:还|仍)(?:有|存在|需)"
    r"|恢复正常|日趋|趋于|取得了?[^，。]{0,8}(?:发展|成效|进展|成果)|明显(?:改善|好转|减少|提升)"
    r"|得到了?(?:有效)?(?:改善|缓解|解决|控制|遏制)|秩序(?:井然|良好|已恢复)"
    r"|(?:没有|并未|从未|未曾|未|暂不|暂未|不予)[^，。]{0,4}(?:采取|进行|对|实施|开展|安排|纳入|列入"
    r"|同意|批准|办理|动工)|^[^，。]{0,10}暂(?:未|不|无)"
)
_GENERIC_RE = re.compile(r"^[^，。]{0,6}(?:开展|做好|进行)了?(?:相关|有关)?工作$")
# The colon-ended intro of a list of the reply's own acts (我们将落实以下工作措施：).
_ACT_INTRO_RE = re.compile(r"(?:以下|如下|下列)[^，。]{0,6}(?:措施|工作)|措施$")
_LIST_INTRO_RE = re.compile(r"以下|如下|下列|几个方面|措施")


def apply_rules(
    clauses: Sequence[Clause], probs: Sequence[Mapping[str, float]], group: str
) -> list[dict[str, float]]:
    """The model's H/C/O probabilities, corrected where the genre is regular.

    - Any reply: a clause that is only a lead-in (2022年 / 目前 / 经调查了解 / 交通事故发生后
      / 按照…规划 / 针对以上情况) cannot head a measure; the measure after it takes it in.
    - Message replies: a clause that names no action — a noun phrase (已办理补卡手续的), the
      citizen's part, a generic 开展相关工作, a list intro (将在以下方面开展工作：) or, without
      已/将/了, an explanation (可/应…, …是…) — cannot head one. A clause whose action verb goes
      on from another (并下达…), names the unit that acts ("我局将加强巡查") or is done (了),
      said by no citizen or third party and under no condition, heads one; 已/将 alone does
      not make it the reply's act (已办理《夜间施工登记证明》: the builder did). A clause
      with no subject of its own goes on with the citizen's (您户克服了很大困难，积极配合…)
      when the clause before names the citizen: it cannot head one either, nor an item
      without 已/将/了 under an intro of conditions, steps or rules (…应满足以下条件：).
      A bare act after a heading clause that names the unit and its stage is that unit's
      second act (我局将加强…监管，严厉打击此类行为: :func:`parallel_act`), and a named unit
      going somewhere to act (中队于…晚至…小区核实情况) acts though no 已/将/了 marks it.
    - Formal replies: inside a numbered section, a clause that opens with an action verb
      (after its subject and adverbs: 组建家庭医生团队612个, 市级医院派驻基层专家128名)
      heads a measure; a clause that only reports a rate or a figure (签约率41.8%,
      同比增长24.7%) or a cause (因涉及用地和资金安排) does not. The learned model sees
      few formal replies, so these rules carry the genre.
    """
    out: list[dict[str, float]] = []
    prev_lead = False
    subject = ""
    unit_act = False  # the clause before named the unit acting, with its stage, and heads
    for n, (c, p) in enumerate(zip(clauses, probs, strict=True)):
        info = clause_cues_cached(c.text)
        q = dict(p)
        own = _subject_kind(c.text, info)
        inherited = subject if c.position > 0 and not own else ""
        subject = own or inherited
        after_lead_in = prev_lead and c.position > 0
        prev_lead = is_lead_in(c.text)
        if prev_lead:
            out.append(_with_head(q, 0.0))
            unit_act = False
            continue
        if group == "message" and after_lead_in:
            # The act a lead-in of its sentence introduces heads a measure even where the
            # model (whose labels take some lead-ins for heads) calls it a continuation.
            q = _with_head(q, q["H"] + q["C"])
        intro = intro_of(clauses, n)
        if group == "message" and (
            inherited in _NOT_OURS
            or _message_statement(c, info, intro)
            or _in_cause(clauses, n, info)
        ):
            q = _with_head(q, min(q["H"], _MESSAGE_STATEMENT_HEAD))
        elif group == "message" and (
            _message_action(c.text, info)
            or (_ACT_INTRO_RE.search(intro.rsplit("，", 1)[-1]) and _formal_action(info))
            or (unit_act and c.position > 0 and parallel_act(clauses[n - 1].text, c.text))
        ):
            q = _with_head(q, max(q["H"], _MESSAGE_ACTION_HEAD))
        elif group == "formal" and c.headings and not c.is_heading:
            if c.position > 0 and _FIGURE_ONLY_RE.match(info.rest):
                q = {"H": 0.0, "C": 1.0, "O": 0.0}  # 新增泊位2680个: the figure of the act
            elif _formal_action(info):
                q = _with_head(q, max(q["H"], _FORMAL_ACTION_HEAD))
            elif info.flags["stat"] or cue.CAUSE_RE.match(c.text):
                q = _with_head(q, min(q["H"], _FORMAL_NON_ACTION_HEAD))
        unit_act = q["H"] >= _MESSAGE_ACTION_HEAD
        out.append(q)
    return out


# A partner's answer (一卡通回复) is no act of the unit.
_SAYS_RE = re.compile(r"回复|答复|表示|反馈|告知")
# What the act aims at (争取使博雅路早日完成路灯建设) goes on with it: no second act.
_AIM_RE = re.compile(r"^(?:争取|力争|确保|促进|推动|使|让)")


def parallel_act(before: str, text: str) -> bool:
    """A bare act after a clause that names the acting unit and its stage (我局将加强对出租车
    行业的监管，严厉打击此类行为): a second act of that unit, with no subject of its own, not
    the first act's continuation."""
    prev, info = clause_cues_cached(before), clause_cues_cached(text)
    f, unit, verb = info.flags, cue.strip_lead(before)[1], cue.head_verb(text)
    return (
        unit is not None
        and not before.startswith(("将", "把"))  # 将X纳入…: X is the object, not the unit
        and _subject_kind(before, prev) == "gov"
        and bool(_STAGE_MARK_RE.search(before))
        and not _subject_kind(text, info)
        and verb is not None
        and not _SAYS_RE.match(verb)
        and not _AIM_RE.match(text)
        and not _FIGURE_ONLY_RE.match(info.rest)
        and not any(f[k] for k in ("cit", "third", "cond", "modal", "ack", "ref", "purp"))
    )


_NOT_OURS = ("cit",)
# "你所反映的问题" names the topic, not the citizen acting.
_CITIZEN_TOPIC_RE = re.compile(r"^(?:您|你)(?:们)?(?:所|反映|提出|咨询|的)")


def _subject_kind(text: str, info: ClauseCues) -> str:
    """Who a clause names as the one acting: "cit" (您户克服了很大困难), "third", "gov" or ""
    (none: the clause goes on with the subject of the clause before it)."""
    f = info.flags
    if f["cit"] and not _CITIZEN_TOPIC_RE.match(text):
        return "cit"
    if f["third"] or _OTHER_PARTY_RE.match(text):
        return "third"
    if f["gov"] or cue.strip_lead(text)[1]:
        return "gov"
    return ""


_FIGURE_ONLY_RE = re.compile(
    r"^(?:新增|涉及|共计|累计|合计|完成投资|总投资|投资)[^，。\d]{0,6}\d[\d.]*\s*[^，。\d]{1,3}$"
)
_FORMAL_ACTION_HEAD = 0.6
_MESSAGE_ACTION_HEAD = 0.5
_FORMAL_NON_ACTION_HEAD = 0.1
_MESSAGE_STATEMENT_HEAD = 0.15
_NOT_ACTION = ("stat", "modal", "cond", "cause", "purp", "ack", "ref")


# 已/将/拟/正在 before the verb: the reply says someone did or will do it.
_MARKED_RE = re.compile(r"^[^，。]{0,30}?(?:已经?|业已|将|拟|计划|正在)")
# 并/同时/随即… : the clause goes on from the action before it.
_GOES_ON_RE = re.compile(r"^(?:并且?|同时|还|又|及时|立即|随即|迅速|随后|另外|此外|再|也)")


# A unit going somewhere to act (…于1月2日晚至安置小区一期核实情况).
_VISIT_RE = re.compile(r"^(?:到|至|赴|前往|来到|派[^，。]{0,8}(?:到|至|赴))")


# The stage word right after the unit (A市已加入…, 专家组将于…, 我们一直在积极筹措).
_UNIT_STAGE_RE = re.compile(r"^(?:也|还|一直|都|均)?(?:已经?|将|正在|在)")
# Talk, service or a referral after the unit (我们将竭诚为您服务, 我们将做详细解答).
_TALK_RE = re.compile(r"为您服务|解答|答复|回复|解释|核处|转交|转办")


def _unit_stage(text: str) -> bool:
    """A clause that names the acting unit with its stage word right after it: the unit's
    act whatever its verb (加入, 筹措, 深入…调研 are in no verb list), unless it is talk."""
    actor = cue.strip_lead(text)[1]
    if actor is None or actor.startswith(("将", "把")):
        return False  # 将X纳入…: X is the object
    after = text[text.find(actor) + len(actor) :]
    return bool(_UNIT_STAGE_RE.match(after)) and not _TALK_RE.search(after)


def _message_action(text: str, info: ClauseCues) -> bool:
    f = info.flags
    if any(f[k] for k in ("cit", "third", "cond", "modal", "ack", "ref", "purp")):
        return False
    if not cue.ACTION_VERB_RE.match(info.rest):
        # The verb may come after a phrase ("我乡结合实际情况制订了《方案》", "并在医院内
        # 多处公布…"): a named unit that has done it, or a clause that goes on from the act
        # before, still acts.
        goes_on_or_done = (f["gov"] and f["done"]) or _GOES_ON_RE.match(text)
        if f["gov"] and _VISIT_RE.match(info.rest):
            goes_on_or_done = True  # 中队于1月2日晚至…小区核实情况: went there to act
        if _unit_stage(text):
            return True  # 专家组将于近期深入各乡镇调研, 我们一直在积极筹措: any verb
        return bool(goes_on_or_done and cue.ACTION_VERB_RE.search(info.rest))
    # The act is the reply's own when it goes on from another ("并下达…"), names the unit
    # that acted ("执法大队对…") or is done (了). 已/将 alone is not enough: without a unit
    # the subject is often a third party of the sentence before (已完成桩基础, by the
    # developer; 拆迁户将原有房屋拆除): 6 of 6 such forced heads were false (round 3, dev).
    return bool(_GOES_ON_RE.match(text)) or f["gov"] or "了" in text


_OTHER_PARTY_RE = re.compile(
    r"^[^，。与对向由和给把将在同]{0,25}?(?:公司|开发商|施工单位|施工方|物业)|^(?:该|拆迁户|征收户|业主|招标人"
    r"|贷款人|申请人|参保人|职工|单位)"
)
_STAGE_MARK_RE = re.compile(r"已|将|了|正在|拟|计划")
# The colon-ended intro of a list of conditions, steps or rules (…应满足以下条件：).
_POLICY_INTRO_RE = re.compile(r"条件|流程|程序|规定|材料|指南|情形")


def _message_statement(clause: Clause, info: ClauseCues, intro: str = "") -> bool:
    """A clause of a message reply that says something, but names no action taken."""
    text = clause.text
    f = info.flags
    if _NOUN_PHRASE_RE.search(text) or f["cit"] or _GENERIC_RE.match(text):
        return True
    if _NOT_AN_ACT_RE.search(text):
        return True  # a passive, a finding, advice, an exhortation or an effect
    if clause.after[:1] in ("：", ":") and _LIST_INTRO_RE.search(text):
        return True  # "我们将在以下方面开展工作：" announces the measures, it is none
    if _POLICY_INTRO_RE.search(intro.rsplit("，", 1)[-1]) and not _STAGE_MARK_RE.search(text):
        return True  # an item under "转入需符合以下条件之一：" states the policy
    unmarked = not (_MARKED_RE.match(text) or "了" in text)
    return _other_party(text) or (unmarked and (f["modal"] or "是" in text))


_CAUSE_OPEN_RE = re.compile(r"^(?:由于|鉴于|因为)")
_MIN_CAUSE_CHARS = 10  # 鉴于该路段实际情况 is a topic, not a cause that runs on


def _in_cause(clauses: Sequence[Clause], n: int, info: ClauseCues) -> bool:
    """A cause clause (由于凌冲幼儿园及其校车未按上级要求停运校车) and the clauses that go on
    with it in its sentence with no unit of their own and no 将 (鉴于项目规划设计方案通过了充分
    的论证，均依法依规依程序完成了审批) say why, not what was done."""
    c = clauses[n]
    if _CAUSE_OPEN_RE.match(c.text):
        return True
    if info.flags["gov"] or info.flags["fut"] or c.position == 0:
        return False
    first = n - c.position
    return (
        bool(_CAUSE_OPEN_RE.match(clauses[first].text))
        and len(clauses[first].text) > _MIN_CAUSE_CHARS
        and not any(clause_cues_cached(x.text).flags["gov"] for x in clauses[first + 1 : n])
    )


def _other_party(text: str) -> bool:
    """A company, a developer or a borrower that acts in a clause with no stage mark tells
    background ("该公司配套建设了污水处理站" has 了 and is left to the model; "贷款人…持相关
    资料到…受理审核" is not), not the reply's act. A company after a verb is its object."""
    party = _OTHER_PARTY_RE.match(text)
    return bool(
        party and not _STAGE_MARK_RE.search(text) and not cue.ACTION_VERB_RE.search(party.group())
    )


def _formal_action(info: ClauseCues) -> bool:
    return bool(cue.ACTION_VERB_RE.match(info.rest)) and not any(info.flags[k] for k in _NOT_ACTION)


def _with_head(p: dict[str, float], head: float) -> dict[str, float]:
    """``p`` with P(H) set to ``head`` and the rest shared by C and O in their ratio."""
    rest = p["C"] + p["O"]
    share = (1.0 - head) / rest if rest > 0 else 0.0
    return {"H": head, "C": p["C"] * share if rest > 0 else (1 - head) / 2,
            "O": p["O"] * share if rest > 0 else (1 - head) / 2}  # fmt: skip
