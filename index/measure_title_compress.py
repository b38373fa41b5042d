"""Compressing a long title inside its phrases, so that the 20-character cut is not needed.

On replies the title rules were not written on, about a third of the unusable titles were
cut inside a phrase: before the act ("与驾校主管部门K2区交通运输管理所" without 取得联系),
inside a noun compound ("…大气污染物环境" without 违法行为), or after the first item of a
list whose head comes later ("完成业主大会" of "业主大会和业主委员会的选举工作"). Before any
cut, a long title here loses, in this order and only while it is too long: adverbs and
dates inside it, a place or time adverbial inside it (在…见证下), the first items of a list
that shares its head (A和B的C -> B的C), the modifiers that open its longest run of nouns
(the head is the last noun: "西地省建设工程质量检测中心" -> "质量检测中心"), and a 对/在/向…
phrase before a later act. Nothing inside quotes, brackets or 《》 goes, and no figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index import measure_cues as cue
from index.measure_pos import tag

Words = Sequence[tuple[str, str]]

# Adverbs of manner and haste a title can lose anywhere but at its start (never a
# negation, a degree or a frequency: the tagger's "d" also covers acts such as 放线).
_DROPPED_ADVERBS = frozenset(
    "立即 立刻 马上 及时 严格 积极 认真 依法 全面 进一步 切实 主动 分别 迅速 逐户 专门 共同 "
    "同步 深刻 尽快 全力 大力 彻底 坚决 耐心 逐一 依规".split()
)
# A date or time inside a title ("分别于6月22日和8月31日", "于每年的4月15日前").
_INNER_DATE_RE = re.compile(
    r"(?:分别)?于(?:每年的?)?\d{1,4}[年月日](?:\d{1,2}[月日])*(?:前|后|起)?"
    r"(?:[和、至到]\d{1,4}[年月日](?:\d{1,2}[月日])*)*"
)
# Scene adverbials inside a title: "在我局工作人员见证下", "以…文件形式".
_INNER_SCENE_RE = re.compile(
    r"在[^，。“”《》]{2,16}?(?:见证下|陪同下|指导下|协调下|监督下|过程中|期间)"
    r"|以[^，。“”《》]{2,16}?(?:形式|方式|名义)"
)
# Nouns as the tagger reads them (an act the tagger reads as a noun is kept out by the cue
# list: 指导, 责令).
_NOUN_FLAGS = ("n", "j", "eng", "vn", "b", "s", "l", "zg")
_LIST_JOINS = frozenset("和 及 以及 、".split())
_OPEN_PREPOSITIONS = frozenset("对 向 在 与 和 同 给 就 由 按照 根据 依照 依据 按".split())
_NORM_PREPOSITIONS = frozenset("按照 根据 依照 依据 按".split())
_NORMS = frozenset("要求 规定 标准 精神 程序".split())
# Joins after which a cut leaves whole items or acts ("…反映|并争取…").
_CLEAN_JOINS = frozenset("和 及 以及 、 并 并且 同时".split())


def compress(title: str, limit: int) -> str:
    """``title`` shortened inside its phrases until it fits ``limit`` (or nothing more can
    go): "责令该企业立即停止超标排放大气污染物环境违法行为" -> "责令该企业停止超标排放污染物环境
    违法行为"."""
    for step in (_drop_adverbs, _drop_inner_scene, _keep_last_item):
        if len(title) > limit:
            title = step(title)
    shrunk = _shrink(title, limit, times=2)
    if len(shrunk) <= limit:  # a modifier or two of a noun go before a whole phrase
        return shrunk
    opened = _drop_open_phrase(title, limit)
    return _shrink(opened, limit, times=6)


def _shrink(title: str, limit: int, *, times: int) -> str:
    """``title`` with up to ``times`` modifiers of its noun runs dropped, while too long."""
    for _ in range(times):
        if len(title) <= limit:
            break
        shorter = _shrink_noun_run(title)
        if shorter == title:
            break
        title = shorter
    return title


def clean_cut(title: str, cut: str) -> bool:
    """Whether ``cut`` (a start of ``title``) ends where a phrase ends: not before the act
    (a later cue verb), not inside an open 对/与/在… phrase, not inside a run of nouns, and
    not after the first item of a list whose head comes later ("业主大会|和业主委员会的…")."""
    rest = title[len(cut) :]
    if not rest:
        return True
    after, before = tag(rest), tag(cut)
    opened = [k for k, (w, f) in enumerate(before) if w in _OPEN_PREPOSITIONS and f == "p"]
    closing = range(opened[-1] + 2, len(before)) if opened else range(0)
    if opened and not any(
        _ends_phrase(before, i) or (i == len(before) - 1 and before[i][1] == "vn") for i in closing
    ):
        return False  # "由开发商…向市|、区教育局提出申请": the phrase is still open
    if after[0][0] in _CLEAN_JOINS:  # a whole item of a list of acts ("…消毒|、…清除青苔")
        return "的" not in rest[:10]
    if any(cue.ACTION_VERB_RE.fullmatch(w) for w, _ in after):
        return False
    both = tag(title)
    ends = [b for _, b in _spans(both)]
    if len(cut) not in ends:
        return False  # inside a word of the whole title
    at = ends.index(len(cut)) + 1
    return not (at < len(both) and _is_noun(both, at - 1) and _is_noun(both, at))


def _protected(text: str) -> list[bool]:
    """For each character of ``text``: whether it stands inside quotes, 《》 or brackets."""
    depth, out = 0, []
    for ch in text:
        if ch in "“《（(":
            depth += 1
        out.append(depth > 0 or ch in "”》）)")
        if ch in "”》）)":
            depth = max(0, depth - 1)
    return out


def _spans(words: Words) -> list[tuple[int, int]]:
    """Start and end of each word in the text ``words`` make up."""
    out, pos = [], 0
    for word, _ in words:
        out.append((pos, pos + len(word)))
        pos += len(word)
    return out


def _drop_adverbs(title: str) -> str:
    """``title`` without its inner adverbs ("立即", "严格") and dates."""
    title = _INNER_DATE_RE.sub("", title) or title
    words = tag(title)
    guard = _protected(title)
    kept = [
        w
        for k, ((w, _), (a, _)) in enumerate(zip(words, _spans(words), strict=True))
        if k == 0 or guard[a] or w not in _DROPPED_ADVERBS
    ]
    return "".join(kept)


def _drop_inner_scene(title: str) -> str:
    """``title`` without a place, witness or form adverbial inside it ("在…见证下")."""
    shorter = _INNER_SCENE_RE.sub("", title)
    return shorter if len(shorter) >= 4 else title


def _keep_last_item(title: str) -> str:
    """A list "A和B的C" keeps its last item when the head comes after it: "完成业主大会和
    业主委员会的选举工作" -> "完成业主委员会的选举工作" (never a cut after A); not "A与B的
    矛盾" (与 joins the parties of one thing)."""
    words = tag(title)
    for k, (word, _) in enumerate(words):
        if word not in _LIST_JOINS or k < 2:
            continue
        nxt = [w for w, _ in words[k + 1 : k + 4]]
        if "的" not in nxt or not _is_noun(words, k - 1):
            continue
        start = k - 1  # the first item: the nouns before the join
        while start > 0 and _is_noun(words, start - 1):
            start -= 1
        if start == 0 or _inside(title, words, start):
            continue
        return "".join(w for w, _ in words[:start] + words[k + 1 :])
    return title


def _is_noun(words: Words, k: int) -> bool:
    """Whether ``words[k]`` is a noun, not an act the tagger reads as one (指导, 责令); a
    verbal noun only inside a compound ("检测|中心", not "勘灾|和")."""
    w, flag = words[k]
    if cue.ACTION_VERB_RE.fullmatch(w) or any(ch.isdigit() for ch in w):
        return False
    if flag == "vn":
        return k + 1 < len(words) and words[k + 1][1].startswith("n")
    return flag.startswith(_NOUN_FLAGS)


def _inside(title: str, words: Words, k: int) -> bool:
    """Whether ``words[k]`` stands inside quotes, 《》 or brackets."""
    return _protected(title)[_spans(words)[k][0]]


def _shrink_noun_run(title: str) -> str:
    """``title`` with the first word of its longest run of three nouns or more dropped
    (the head of a Chinese noun phrase is its last noun): "大气污染物环境违法行为" loses
    大气."""
    words = tag(title)
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(words):
        end = k
        while end < len(words) and _is_noun(words, end) and not _inside(title, words, end):
            end += 1
        listed = (k and words[k - 1][0] == "、") or (end < len(words) and words[end][0] == "、")
        if end - k >= 3 and not listed and _droppable(words[k]) and len(words[k + 1][0]) >= 2:
            runs.append((k, end))  # never a list item, a name's piece (书院|路) or a name
        k = max(end, k + 1)
    if not runs:  # a run keeps two nouns at least ("身份信息" is not shrunk to 信息)
        return title
    start, end = max(runs, key=lambda r: len("".join(w for w, _ in words[r[0] : r[1]])))
    return "".join(w for w, _ in words[:start] + words[start + 1 :])


def _droppable(word: tuple[str, str]) -> bool:
    """Whether ``word`` may go as a modifier: a common noun of two characters or more, not a
    name (place, person, unit, code)."""
    return len(word[0]) >= 2 and word[1] in ("n", "vn", "nz", "j", "l")


def _ends_phrase(words: Words, i: int) -> bool:
    """Whether the act ``words[i]`` ends a 对/在… phrase: it follows a noun (adverbs
    between), not a list mark, and does not modify a noun (…的)."""
    word, flag = words[i]
    if not (cue.ACTION_VERB_RE.fullmatch(word) or flag == "v"):
        return False
    if i + 1 < len(words) and words[i + 1][0] == "的":
        return False
    k = i - 1
    while k > 0 and words[k][0] in _DROPPED_ADVERBS | {"也", "均", "都"}:
        k -= 1
    return words[k][1].startswith(("n", "r", "m", "f", "s", "j", "eng"))


def _drop_open_phrase(title: str, limit: int) -> str:
    """``title`` without a 对/在/向… phrase that stands before a later act and would be
    left open by the cut: "对培育现代农业、…这两个发展方向提出了相应的发展规划" -> "提出…"."""
    words = tag(title)
    for k, (word, flag) in enumerate(words):
        if word not in _OPEN_PREPOSITIONS or flag not in ("p", "c") or _inside(title, words, k):
            continue
        if flag == "c" and k:  # 和/与 opening the title is "with"; inside, "and"
            continue
        for i in range(k + 2, len(words)):
            if _ends_phrase(words, i):  # the phrase ends at the first act after it
                if word in _NORM_PREPOSITIONS and words[i][0] in _NORMS:
                    i += 1  # "按《教学大纲》学时要求": 要求 closes the phrase, it is no act
                rest = "".join(w for w, _ in words[:k] + words[i:])
                return rest if 4 <= len(rest) <= limit else title
            if cue.ACTION_VERB_RE.fullmatch(words[i][0]) or words[i][1] == "v":
                break  # an act inside the phrase: it is no mere place or party
    return title
