"""Shortening a long title by whole phrases, so that its act survives the 20-character cut.

Reviewers rejected titles cut before their act ("对…的未自行整改到位" without 取缔), with a
visible ellipsis inside a document name (出台《…若干政策…》) or opening on a conjunction
(并且…). So a long title drops a 对/向/在/与… phrase between its verb and a later verb, a
title that opens with 对/就+object reads verb first ("取缔未自行整改到位的摊点"), and a
long document name loses its issuing organ, then its brackets and its first words, keeping
its head ("列入重点项目建设计划"); "…" never stands in a title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index import measure_cues as cue
from index.measure_pos import tag

# Phrases between a verb and a later verb that a long title can lose (敦促校方对全体学生加大…).
_INNER_PREPOSITIONS = frozenset("对 向 在 与 同 给 就".split())
# What such a phrase may hold: names, places, times and figures, never a verb or an adverb.
_PHRASE_FLAGS = ("n", "t", "m", "q", "f", "r", "c", "j", "s", "b", "eng")
_LEADING_CONJUNCTIONS = frozenset("并且 而且 同时 并 另外 此外 以及".split())
_DOC_RE = re.compile(r"《([^《》]{2,60})》")
# "焦作市人民政府关于…", "中共焦作市委焦作市人民政府关于…": who issued it, not what it is.
_ORGAN_RE = re.compile(r"^[^《》“”]{1,20}?关于|^关于")
_PHRASE_WORDS = _INNER_PREPOSITIONS | {"、"}  # "在夜间和节假日向周边居民"
# Verbs whose object is a whole act: a place phrase right after them can go
# ("申请在该路口设置信号灯" -> "申请设置信号灯").
_CLAUSE_TAKERS = frozenset("要求 申请 督促 责令 组织 安排 协调 指导 推动 引导 敦促 鼓励".split())
_CITIZEN_VERBS = frozenset("反映 提出 投诉 反馈 举报 来信 留言".split())
# A 文号 after a document name ("[政府发文]36号", "〔2017〕15号"): a long title loses it.
_DOC_NUMBER_RE = re.compile(r"^[\[〔（(][^\]〕）)]{0,12}[\]〕）)]\d*号?")
_NOT_FIRST_FLAGS = ("u", "p", "c", "x", "d", "f", "q")
# Whom an act is for, before its verb: a long title starts at the verb.
_BENEFICIARY_RE = re.compile(
    r"^为[^，。对把向在]{2,10}?(?:企业|群众|居民|市民|农户|学生|家庭|单位)(?=[\u4e00-\u9fff]{2})"
)
# Nouns the tagger reads as verbs: an object may end on one ("扰民等行为").
_NOUN_VERBS = frozenset("的 行为".split())
# A count after the act ("劝导整改1290起") and a list of things with its head ("A、B等行为").
_TRAILING_COUNT_RE = re.compile(r"\d+(?:\.\d+)?[起件次处个家条户人]$")
_ITEMS_RE = re.compile(r"(?P<items>[^，。的]+、[^，。的]+)等(?P<head>[\u4e00-\u9fff]{1,4})")
_DOC_LIST_RE = re.compile(r"(《[^《》]+》)(?:[、和及与]《[^《》]+》)+(等)?")


def shorten_phrases(title: str, limit: int) -> str:
    """``title`` with document names, inner 对/向/在… phrases and a leading 对/就 object
    shortened, in that order, until it fits ``limit`` (or nothing more can go)."""
    if len(title) > limit:  # a list of documents keeps the first: "《A》、《B》等" -> "《A》等"
        title = _DOC_LIST_RE.sub(r"\1等", title)
        title = _shorten_documents(title, limit)
    for _ in range(3):  # "在夜间和节假日", then "向周边居民"
        if len(title) <= limit:
            break
        shorter = _drop_inner_phrase(title)
        if shorter == title:
            break
        title = shorter
    if len(title) > limit:
        title = verb_first(title, limit)
    return title


def without_beneficiary(title: str) -> str:
    """``title`` from its verb when it opens with whom the act is for ("为专精特新企业发放
    “专精特新贷”8.3亿元" -> "发放“专精特新贷”8.3亿元"); unchanged when it does not."""
    beneficiary = _BENEFICIARY_RE.match(title)
    return title[beneficiary.end() :] if beneficiary else title


def clean_ends(title: str) -> str:
    """``title`` without a leading conjunction (并且/同时…) and without "…": a title that
    holds an ellipsis stops before it (or loses it, when little comes before)."""
    words = tag(title)
    if (
        len(words) > 1
        and words[0][0] in _LEADING_CONJUNCTIONS
        and len(title) - len(words[0][0]) >= 2
    ):
        title = title[len(words[0][0]) :]
    at = title.find("…")
    if at >= 4:
        title = title[:at].rstrip("、，,“《")
    elif at >= 0:
        title = title.replace("…", "")
    return title


def _shorten_documents(title: str, limit: int) -> str:
    """Each 《name》 of a long ``title`` without its issuing organ; when still too long, the
    name without brackets, kept from the first word that fits (a verb first if one fits):
    "把望岳路北段列入《西地省楚江新区2017年重点项目建设计划》" -> "…列入重点项目建设计划"."""
    m = _DOC_RE.search(title)
    if not m:
        return title
    number = _DOC_NUMBER_RE.match(title, m.end())
    if number:
        title = title[: m.end()] + title[number.end() :]
    name = m.group(1)
    organ = _ORGAN_RE.match(name)
    if organ and len(name) - organ.end() >= 4:
        name = name[organ.end() :]
    short = title[: m.start()] + "《" + name + "》" + title[m.end() :]
    tail = len(title) - m.end() if len(title) - m.end() <= 4 else 0  # "…》精神" keeps 精神
    if len(title[: m.start()]) + len(name) + 2 + tail > limit:  # a longer tail may be cut
        head = _name_head(name, limit - m.start() - tail)
        if head:
            short = title[: m.start()] + head + title[m.end() :]
    return short


def _name_head(name: str, room: int) -> str:
    """The longest ending of ``name`` that starts a word and fits ``room`` (≥ 4 characters),
    one that starts with a verb preferred ("帮助市场主体纾困解难的三十条措施")."""
    words = tag(name)
    ends = []
    for k in range(len(words)):
        rest = "".join(w for w, _ in words[k:])
        first, flag = words[k]
        unbalanced = any(rest.count(a) != rest.count(b) for a, b in ("“”", "〈〉", "（）", "()"))
        if k == 0 and len(rest) <= room and not unbalanced:
            return rest  # the whole name fits once its brackets go
        if (
            4 <= len(rest) <= room
            and len(first) > 1
            and not flag.startswith(_NOT_FIRST_FLAGS)
            and not unbalanced
        ):
            ends.append((words[k][1] == "v", rest))
    verbs = [r for is_verb, r in ends if is_verb]
    return verbs[0] if verbs else (ends[0][1] if ends else "")


def _drop_inner_phrase(title: str) -> str:
    """Drop the first 对/向/在/与… phrase that stands between the title's verb and a later
    verb: "推动…停车场在夜间和节假日向周边居民开放" -> "推动…停车场向周边居民开放"."""
    words = tag(title)
    first = _first_verb(words, 0)
    if first is None:
        return title
    for k in range(first + 1, len(words)):
        if words[k][0] in _INNER_PREPOSITIONS and words[k][1] == "p":
            of = _of_phrase_end(words, k)
            if of is not None:  # "加大对非法营运的打击力度" -> "加大打击力度"
                return "".join(w for w, _ in words[:k] + words[of:])
            end = _first_verb(words, k + 1)
            while end is not None and end + 1 < len(words) and words[end + 1][0] == "的":
                end = _first_verb(words, end + 2)  # "网民反映的问题": a modifier, not the act
            right_after = k == first + 1 and words[first][0] not in _CLAUSE_TAKERS
            if end is None or right_after or not _droppable(words, k, end):
                return title
            return "".join(w for w, _ in words[:k] + words[end:])
    return title


def _of_phrase_end(words: Sequence[tuple[str, str]], k: int) -> int | None:
    """Where "对X的" ends when it only says what a verbal noun is about ("对X的打击力度",
    "对X的巡查力度"), right after the verb; ``None`` otherwise."""
    if not words[k - 1][1].startswith("v"):
        return None
    for i in range(k + 1, min(len(words) - 2, k + 10)):
        word, flag = words[i]
        if word == "的":
            nxt, head = words[i + 1], words[i + 2]
            if nxt[1] in ("v", "vn") and head[1].startswith("n") and i > k + 1:
                return i + 1
            return None
        if not flag.startswith(_PHRASE_FLAGS) and word not in _PHRASE_WORDS:
            return None
    return None


def _droppable(words: Sequence[tuple[str, str]], k: int, end: int) -> bool:
    """Whether ``words[k:end]`` (a preposition and what it governs) can go: it names a
    place, a time or a party (a noun ends it) and the verb after it is the title's last
    act ("审批部门反馈", "网友反映问题" are not: the verb there is part of a noun)."""
    phrase = words[k + 1 : end]
    verb = words[end][0]
    if not phrase or not phrase[-1][1].startswith(("n", "s", "f", "t", "j")):
        return False
    modifiers = {
        i for i, (w, _) in enumerate(phrase) if i + 1 < len(phrase) and phrase[i + 1][0] == "的"
    }
    if not all(
        f.startswith(_PHRASE_FLAGS) or w in _PHRASE_WORDS or w == "的" or i in modifiers
        for i, (w, f) in enumerate(phrase)
    ):
        return False
    if len(verb) < 2 or not cue.ACTION_VERB_RE.search(verb) or verb in _CITIZEN_VERBS:
        return False
    after = words[end + 1 :]
    return not (after and after[0][1].startswith("n") and any(f == "v" for _, f in after[1:]))


def verb_first(title: str, limit: int) -> str:
    """A title that opens with 对/就+object and ends on a verb (and a count) only reads
    verb first, the object kept from a 的 on, a list in it by one item + 等:
    "对擅自摆摊设点、占道经营的未自行整改到位的摊点取缔" -> "取缔未自行整改到位的摊点"."""
    count = _TRAILING_COUNT_RE.search(title)
    body, tail = (title[: count.start()], count.group()) if count else (title, "")
    words = tag(body)
    if len(words) < 3 or words[0][0] not in ("对", "就"):
        return title
    k = len(words)
    while k > 1 and words[k - 1][1].startswith("v") and words[k - 1][0] not in _NOUN_VERBS:
        k -= 1
    if k == len(words) or not words[k - 1][1].startswith(("n", "j", "v")):
        return title  # the object ends on a thing ("行为" is tagged v)
    if not cue.ACTION_VERB_RE.fullmatch(words[-1][0]):
        return title
    verb = "".join(w for w, _ in words[k:])
    room = limit - len(verb) - len(tail)
    obj = re.sub(r"(?:一事|事宜)$", "", "".join(w for w, _ in words[1:k]))
    obj = _one_item(obj, room)
    while len(obj) > room and "的" in obj:
        obj = obj.split("的", 1)[1]
    head = tag(obj.rsplit("等" if "等" in obj else "的", 1)[-1])
    if any(f.startswith(("p", "d")) or cue.ACTION_VERB_RE.fullmatch(w) for w, f in head):
        return title  # the object's head must be a thing, not another act
    if re.search(r"[“”《》]", obj) or any(f == "v" for _, f in head[:-1]):
        return title
    return verb + obj + tail if len(obj) <= room and len(obj) >= 2 else title


def _one_item(obj: str, room: int) -> str:
    """A list "A、B等N" too long for ``room`` as its first item that fits + 等N
    ("商业经营活动使用高音广播喇叭、广场舞音响扰民等行为" -> "广场舞音响扰民等行为")."""
    m = _ITEMS_RE.fullmatch(obj)
    if len(obj) <= room or not m:
        return obj
    head = "等" + m.group("head")
    fitting = [i for i in m.group("items").split("、") if len(i) + len(head) <= room]
    return fitting[0] + head if fitting else obj


def _first_verb(
    words: Sequence[tuple[str, str]], start: int, *, cue_only: bool = False
) -> int | None:
    """Index of the first action verb at or after ``start``."""
    for i in range(start, len(words)):
        word, flag = words[i]
        if cue.ACTION_VERB_RE.fullmatch(word) or (not cue_only and flag in ("v", "l")):
            return i
    return None
