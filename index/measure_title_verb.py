"""The verb of a measure title: where the act starts in jieba's tagged words, and whether
the verb phrase names a thing acted on. Split from :mod:`index.measure_title`, which
chooses the clause and shapes the title around what these find."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index import measure_cues as cue
from index.measure_title_fit import PREPOSITIONS

# "到现场查看": where the act happened stays with its verb.
PLACE_OPENERS = ("到", "赴", "深入", "前往")
# A title's own verb is never one of these (copulas, auxiliaries, the filler verbs).
_NOT_TITLE_VERB = frozenset(
    "是 有 为 在 将 把 对 会 要 能 可 可以 应 应当 需要 已 已经 进行 予以 作出 到 达到 属于 "
    "系 成为 使 让 由 被 通过 经过 按照 根据".split()
)
# The last word of a unit's name ("县房屋安全鉴定办公室", "指挥部").
_UNIT_NAME_END_RE = re.compile(
    r"(?:政府|局|委|办|办公室|所|站|队|中心|公司|部门|街道|社区|指挥部|小组)$"
)
_TIME_UNITS = frozenset("天 年 月 日 周 次 季 季度 星期".split())  # 每年… is when, not a rate


def verb_phrase(words: Sequence[tuple[str, str]]) -> tuple[int, int] | None:
    """Where the title starts and where its verb is: a 对/为/把… phrase before the verb
    stays with it ("为65岁以上老年人提供签约服务"), a noun before it does not."""
    verb = _first_verb(words)
    if verb is None:
        return None
    for k, (word, flag) in enumerate(words[: verb + 1]):
        if word == "将" and k + 1 < len(words) and words[k + 1][1].startswith("v"):
            continue  # "将加强对…": 将 is "will", not the 将 of disposal
        if (
            (word in PREPOSITIONS and (k == 0 or flag in ("p", "c", "d")))
            or (word in PLACE_OPENERS and k < verb)
            or (k == 0 and word in ("和", "跟"))
        ):
            # after 对/把/与… only a verb of the cue list ends the phrase ("对您所诉情况了解")
            after = _first_verb(words[k + 1 :], cue_only=True)
            end = k + 1 + after if after is not None else verb
            if end <= k:
                return verb, verb
            if word == "由" and not _has_digit(words[k:end]):
                at = _after_unit(words, k, end)  # 由+unit names the actor, a field of its own
                return at, at
            return k, end
    if (
        verb >= 2
        and words[verb - 2][0] == "每"
        and words[verb - 1][1] == "q"
        and (words[verb - 1][0] not in _TIME_UNITS)
    ):
        return verb - 2, verb  # "每台补助15万元": the rate is part of the act
    if verb >= 1 and re.fullmatch(r"每[^天年月日周次季]", words[verb - 1][0]):
        return verb - 1, verb  # "每户补贴2.53万元" (每户 is one word)
    return verb, verb


def _after_unit(words: Sequence[tuple[str, str]], k: int, end: int) -> int:
    """Where the act after 由+unit starts: after the unit's name, whose own words may be
    verbs ("由县房屋安全鉴定办公室委托…": 鉴定 is part of the name)."""
    for j in range(k + 1, min(len(words), k + 8)):
        if _UNIT_NAME_END_RE.search(words[j][0]) and j + 1 < len(words):
            while j + 2 < len(words) and _UNIT_NAME_END_RE.search(words[j + 1][0]):
                j += 1  # "由市委|市政府": units named together
            if end > j + 1:
                return end  # the act follows the unit's name: nothing inside it
            if words[j + 1][0] in ("及", "和", "、", "与"):
                continue  # "由县公安局及相关责任单位督促": the next unit
            if not words[j + 1][1].startswith(("p", "d", "t", "m", "eng", "x", "c")):
                return j + 1  # the tagger reads some acts as nouns (委托)
            after = _first_verb(words[j + 1 :])
            return j + 1 + after if after is not None else end
    return end


def _has_digit(words: Sequence[tuple[str, str]]) -> bool:
    """Whether a figure stands in ``words`` (not a place code: A8县)."""
    return any(ch.isdigit() for w, _ in words for ch in re.sub(r"[A-Z]\d+", "", w))


def _first_verb(words: Sequence[tuple[str, str]], *, cue_only: bool = False) -> int | None:
    """Index of the first word that is an action verb (the cue list, else jieba's v tags)."""
    for i, (word, flag) in enumerate(words):
        if word in _NOT_TITLE_VERB:
            continue
        if cue_only:
            if cue.ACTION_VERB_RE.fullmatch(word):
                return i
        elif cue.ACTION_VERB_RE.match(word) or flag.startswith("v") or flag == "l":
            return i
    return None


def has_object(words: Sequence[tuple[str, str]], *, vn_object: bool = True) -> bool:
    """Whether the verb phrase ``words`` (verb first) names something besides verbs (a
    verbal noun counts unless ``vn_object`` is false: 跟踪检查 names no thing)."""
    return any(
        (flag == "vn" and vn_object)
        or not (flag.startswith(("v", "d", "a", "l", "u", "x")) or cue.ACTION_VERB_RE.fullmatch(w))
        for w, flag in words[1:]
    )
