"""Lead-ins: clauses that set the time, circumstance, purpose or condition of the act after
them ("经调查了解，", "交通事故发生后，", "为贯彻…精神，", "如…未能…，"). They never head a
measure (:mod:`index.measure_rules`), a measure's title starts after them and its stage is
read past them (:mod:`index.measure_stage`)."""

from __future__ import annotations

import re

from index.measure_features import clause_cues_cached

__all__ = ["frames_next", "is_lead_in"]

_LEAD_CLAUSE_RE = re.compile(
    r"^(?:接到|收到|在|自|从|截至|截止|经过?)[^，。]{0,30}(?:后|时|期间|以来|之后|过程中|中)$"
    r"|^(?:依据|根据|按照|依照|结合|围绕|针对|对照)[^，。]{0,40}(?:》|号|规定|要求|精神|规划|部署"
    r"|安排|计划|原则|情况|问题|实际|需要|标准|方案|意见|通知|文件)[）)]?$"
    # A subordinate clause: "交通事故发生后", "…修建时", "…以来" set the scene of the next one.
    r"|(?:(?<![及随按准定临小同])时|(?<![然最之而其此今以落善])后|以来|期间|过程中|之际|之前)$"
    r"|针对[^，。]{0,20}$|在[^，。]{0,30}(?:指导|领导|帮助|支持|推动|努力)下$"
    r"|^经过?[^，。]{0,30}(?:努力|争取|协调|推进|推动)$"
    r"|^(?:我[办局委队所司院]|[^，。]{0,8}(?:局|委|办|队|所|组|人员))?经过?(?:调查|核实|核查|了解|查|走访"
    r"|现场|实地|认真|仔细|多方)[^，。]{0,10}$"
    # "现经调查了解", "经东山街道调查了解", "经市交通运输局同意": whose finding or consent
    r"|^现?经过?[^，。]{2,16}?(?:调查|核实|核查|了解|同意|批准|审核|研究)(?:了解|核实)?$"
)
# A condition, a purpose or a topic before the act it frames (如…未能…，我局将…). The
# training labels take such a clause for the head, so the model may call the act after it
# a continuation: see ``frames_next``.
_FRAME_RE = re.compile(
    r"^(?:如果|若|一旦|如(?=[^，。]{0,30}(?:未|不|没|无|发现|需|确)))[^，。]{0,40}$"
    r"|为了?(?:贯彻|落实|进一步|切实|更好地?|解决|加强|确保|保障)[^，。]{0,60}"
    r"(?:精神|要求|部署|指示|问题|工作)$"
    r"|^(?:对于?|关于)[^，。]{0,40}(?:一事|事宜)$"
    r"|在[^，。]{0,15}(?:工作中|期间)$|定于[^，。]{0,15}[前后]$"
    r"|^待[^，。]{2,30}(?:后|到位|完成|结束)$|[^，。]{2}之后$"
    # a purpose clause that holds no act of its own ("为了加强小区车辆出入管理和安全")
    r"|^为了?(?:贯彻|落实|进一步|切实|更好地?|解决|加强|确保|保障)(?![^，。]*(?:已|将|了))[^，。]{0,40}$"
    r"|以此为契机$"
)


def is_lead_in(text: str) -> bool:
    """A clause that only sets time or circumstance: nothing left once lead words go."""
    return (
        len(clause_cues_cached(text).rest) < 2
        or bool(_LEAD_CLAUSE_RE.search(text))
        or frames_next(text)
    )


def frames_next(text: str) -> bool:
    """A condition, purpose or topic clause (如…未能…, 为贯彻…精神, 对…一事) that frames
    the act after it."""
    return bool(_FRAME_RE.search(text))
