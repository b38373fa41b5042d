"""Fitting a measure's title into 20 characters without losing its verb or object.

Shortening goes inside the phrase first — notes in brackets, co-actors before the main verb,
modifiers, counts and scope words of the object, a list — and only then cuts, at a jieba word
boundary that is not a function word, an adverb, a lone character, inside a figure, quote or
bracket, or between a verb and its object.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from index import measure_cues as cue
from index.measure_pos import tag
from index.measure_title_compress import clean_cut, compress
from index.measure_title_shorten import (
    clean_ends,
    shorten_phrases,
    verb_first,
    without_beneficiary,
)

MAX_TITLE = 20
# Prepositions that open an object phrase (对占道经营的摊主…): a title starting with one keeps
# its list of nouns, and the verb search of measure_title looks past them.
PREPOSITIONS = ("对", "把", "将", "与", "向", "给", "为", "同", "由", "通过")

_BAD_END_FLAGS = ("p", "c", "u", "d", "r", "x")
_BAD_END_WORDS = frozenset(
    "的 和 及 与 或 等 并 对 在 将 把 于 向 为 从 由 至 到 以 之 其 以及 及其".split()
)
_TRIMS = (
    re.compile(r"[（(](?:[^（）()]|[（(][^（）()]{0,20}[）)]){0,30}[）)]"),
    re.compile(r"(?:包括|含)[^，。、]{1,20}?在内的"),
    re.compile(r"为期[^，、的]{1,8}的|以[^，、。]{1,12}?为[^，、。]{1,10}?的"),
    re.compile(r"(?:“[^”]{1,12}”、?){2,}等"),
    re.compile(r"在[^，。]{2,14}?(?:时段|期间|时|前|后|内|上|中)(?=[\u4e00-\u9fff]{2})"),
    re.compile(r"(?<=《)(?:[^》]{0,8}?[省市县区])?(?:关于)?"),
    # a long quote before its head noun: "建立“创新型中小企业—…企业”三级培育库" -> 建立三级培育库
    re.compile(r"“[^“”]{10,}”(?=[\u4e00-\u9fff]{2})"),
)
_QUOTE_LIST_RE = re.compile(r"(“[^”]{1,12}”)(?:(?:、|和|及|与|以及)“[^”]{1,12}”)+等?")
_PHRASE_BREAKS = frozenset("、 ， , 和 及 与 以及 并 并且 或".split())
_GENERIC_OBJECT_RE = re.compile(
    r"^(加强|强化|规范|做好|加大|严格|落实)对([^，。的]{2,12})的?"
    r"(管理|监管|整治|巡查|检查|执法|治理|宣传|保护|维护|监督|工作)$"
)
_CO_ACTORS = frozenset("会同 协调 联合 配合 协同 组织 安排 带领".split())
# Where the act after co-acting units starts ("组织驻村干部、村干部对辖区公路…").
_ACT_STARTS = frozenset("为 对 向 在 就 到 赴 共同 一起 一同".split())
# People organised to act: a verb right after them starts the act ("…干部组成工作小组").
_PEOPLE = ("干部", "人员", "队员", "党员", "力量")
_SCOPE_RE = re.compile(
    r"^(?:(?:中心|主)?城区|全[市区县镇省国]|辖区|市区|县城|本市|本区|国家级|省级|市级|区级"
    r"|县级|一次性)$"
)
_NOUNISH = ("n", "b", "j", "x", "m", "vn")


def fit(title: str) -> str:
    """``title`` within 20 characters: notes, lists and modifiers dropped first, then cut
    at the last word boundary that ends a phrase (never on 的/和/a figure)."""
    title = _GENERIC_OBJECT_RE.sub(r"\1\2\3", title.strip())
    for pattern in _TRIMS:
        if len(title) <= MAX_TITLE:
            break
        title = pattern.sub("", title) or title
    for drop in (_drop_co_actor, _drop_object_modifier, _drop_counts, _drop_scope):
        if len(title) > MAX_TITLE and not (drop is _drop_scope and "、" in title):
            title = drop(title)  # scope words of a list tell its items apart (县级…、水行政…)
    if len(title) > MAX_TITLE:  # "对A、B等行为劝导整改1290起": verb first, before the list goes
        title = verb_first(title, MAX_TITLE)
    for drop in (_drop_list, _shorten_list, _drop_modifier):
        if len(title) > MAX_TITLE:
            title = drop(title)
        if drop is _shorten_list and len(title) > MAX_TITLE:
            title = shorten_phrases(title, MAX_TITLE)  # whole phrases before the cut
    cut = _cut(title)
    if len(title) > MAX_TITLE and tag(cut)[-1][1] == "v" and without_beneficiary(title) != title:
        title = without_beneficiary(title)  # cut before the object: whom it is for goes
        cut = _cut(title)
    if len(title) > MAX_TITLE and not clean_cut(title, cut):  # inside its phrases instead
        compressed = compress(title, MAX_TITLE)
        if len(compressed) <= MAX_TITLE or clean_cut(compressed, _cut(compressed)):
            cut = _cut(compressed)
    return clean_ends(_balanced(cut))


def _balanced(title: str) -> str:
    """``title`` without a bracket left open or closed alone ("打款12户）" of "（已打款12户）")."""
    for left, right in ("（）", "()"):
        if title.count(left) != title.count(right):
            title = title.replace(left, "").replace(right, "")
    return title


def _drop_co_actor(title: str) -> str:
    """Drop 会同/协调… and the units after it when the main verb follows ("会同市市场监管局
    研究制定…" -> "研究制定…")."""
    words = tag(title)
    if not words or words[0][0] not in _CO_ACTORS:
        return title
    for k, (word, flag) in enumerate(words[1:], start=1):
        after_unit = flag == "v" and k >= 2 and words[k - 1][0].endswith(_PEOPLE)
        if cue.ACTION_VERB_RE.match(word) or word in _ACT_STARTS or after_unit:
            if k >= 2 and len("".join(w for w, _ in words[k:])) >= 6:
                return "".join(w for w, _ in words[k:]).removeprefix("共同").removeprefix("一起")
            return title
        if not flag.startswith(
            ("n", "j", "x", "m", "q", "c", "f", "s", "v", "eng")
        ) and word not in ("、", "等"):
            return title
    return title


def _drop_object_modifier(title: str) -> str:
    """Drop a short 的-modifier that opens the object ("对反复投诉的31个噪声" ->
    "对31个噪声"); the verb or preposition before it and the noun after it stay."""
    tags = tag(title)
    words = [w for w, _ in tags]
    if "的" not in words[1:]:
        return title
    end = words.index("的", 1)
    dropped = "".join(words[1 : end + 1])
    if len(dropped) > 9 or re.search(r"[\d《》“”，]", dropped) or end + 1 >= len(words):
        return title
    flags = [f for _, f in tags[1:end]]
    pronoun = any(f.startswith("r") or w in ("您", "你", "我", "其") for w, f in tags[1:end])
    if not any(f.startswith("v") for f in flags) or pronoun:
        return title  # only an act's modifier ("反复投诉的"), not "课题的", "您提出的"
    return "".join(words[:1] + words[end + 1 :])


def _drop_counts(title: str) -> str:
    """Drop counts before a noun ("推动1860家餐饮单位" -> "推动餐饮单位"); a figure that ends
    the title ("投入资金1.35亿元") is the object and stays."""
    words = tag(title)
    out: list[str] = []
    k = 0
    while k < len(words):
        word, flag = words[k]
        counted = k + 2 < len(words) and words[k + 1][1] == "q" and words[k + 2][1] != "x"
        if k and (flag in ("m", "eng") and word.isdigit()) and counted:
            k += 2  # the number and its measure word
            continue
        out.append(word)
        k += 1
    return "".join(out)


def _drop_scope(title: str) -> str:
    """Drop place and scope words before a noun (中心城区, 国家级, 一次性)."""
    words = tag(title)
    kept = [
        w
        for k, (w, _) in enumerate(words)
        if not (k and _SCOPE_RE.match(w) and k + 1 < len(words) and
                words[k + 1][1].startswith(_NOUNISH))
    ]  # fmt: skip
    return "".join(kept)


def _drop_list(title: str) -> str:
    """Drop an enumeration ending in 等 right after the verb: "归集市场监管、税务、社保等
    涉企信用信息" -> "归集涉企信用信息" (the head noun after 等 says what they are)."""
    tags = tag(title)
    words = [w for w, _ in tags]
    if "等" not in words[2:] or words[0] in PREPOSITIONS:
        return title
    end = words.index("等", 2)
    listed = "".join(words[1:end])
    if "、" not in listed or len("".join(words[end + 1 :])) < 2:
        return title
    if re.search(r"[的《》对向为与]", listed) or any(f.startswith("v") for _, f in tags[1:end]):
        return title  # not a list of nouns: "安排人员做好说明、疏导等工作"
    return words[0] + "".join(words[end + 1 :])


def _shorten_list(title: str) -> str:
    """A list keeps its first item: "明确夜间施工审批、社会生活噪声管控等部门职责" ->
    "明确夜间施工审批等部门职责"; a list of single words without 等 right after the verb
    goes whole ("建立生态环境、城管、公安“接诉即办”联动机制" -> "建立“接诉即办”联动机制")."""
    quoted = _QUOTE_LIST_RE.search(title)
    if quoted:  # "加快实施“自然村通电话”、“行政村通宽带”和“…”工程"
        return title[: quoted.start()] + quoted.group(1) + "等" + title[quoted.end() :]
    first = title.find("、")
    if first < 2 or "，" in title[:first]:
        return title
    end = title.find("等", first)
    words = tag(title)
    if 0 < end - first <= 30 and _plain_items(title[first:end], words):
        return title[:first] + title[end:]
    seps = [k for k, (w, _) in enumerate(words) if w == "、"]
    items = [k - 1 for k in seps] + [seps[-1] + 1]
    if (
        seps[0] == 2
        and words[0][1].startswith("v")
        and all(b - a == 2 for a, b in itertools.pairwise(seps))
        and all(len(words[k][0]) <= 4 for k in items)
        and len("".join(w for w, _ in words[items[-1] + 1 :])) >= 4
        and not words[items[-1] + 1][1].startswith(("a", "d", "z", "u"))  # 责任心较强的老师
    ):
        return words[0][0] + "".join(w for w, _ in words[items[-1] + 1 :])
    return title


def _plain_items(listed: str, words: Sequence[tuple[str, str]]) -> bool:
    """Whether ``listed`` ("、B、C") is a list of things, not of acts ("、配备各类教学仪器")
    nor running into another phrase (对/向/为…: "、生产要素向龙佰集团、多氟多")."""
    acts = [
        i for i in listed.split("、") if (m := cue.ACTION_VERB_RE.match(i)) and m.end() < len(i)
    ]
    if "，" in listed or acts:
        return False
    return not any(w in listed and f == "p" for w, f in words)


def _drop_modifier(title: str) -> str:
    """Drop the first 的-modifier of the object ("落实退休干部的独生子女补贴" keeps its
    head "落实独生子女补贴" only when too long); never one that holds a figure."""
    tags = tag(title)
    words = [w for w, _ in tags]
    start = 2 if len(words) > 2 and words[0] in ("对", "把", "为", "向", "与") else 1
    if "的" not in words[start:]:
        return title
    end = words.index("的", start)
    dropped = "".join(words[start : end + 1])
    if len(dropped) > 14 or re.search(r"[\d《》“”]", dropped) or end + 1 >= len(words):
        return title
    if not tags[end + 1][1].startswith("n"):  # "申请支持该计划的下达": no noun to keep
        return title
    return "".join(words[:start] + words[end + 1 :])


def _cut(title: str) -> str:
    """``title`` cut at its best word boundary within 20 characters."""
    if len(title) <= MAX_TITLE:
        return title
    words = tag(title)
    best, phrase_end, pos = 0, 0, 0
    for i, (word, _) in enumerate(words):
        pos += len(word)
        if pos > MAX_TITLE:
            break
        if _good_end(words, i, title[:pos]):
            best = pos
            if i + 1 < len(words) and words[i + 1][0] in _PHRASE_BREAKS:
                phrase_end = pos
    if phrase_end >= 8:  # a whole list item or clause reads better than a longer stub
        best = phrase_end
    opened = title.find("《")
    if best >= 4 and not 0 <= best <= opened:
        return title[:best]
    if 4 <= opened <= MAX_TITLE:  # never an unfinished 《… nor an ellipsis: stop before the name
        return title[:opened]
    return title[:MAX_TITLE]


def _good_end(words: Sequence[tuple[str, str]], i: int, prefix: str) -> bool:
    """Whether a title may stop after ``words[i]``: not on a function word or adverb, not
    inside a figure or a quote, not between a verb and its object."""
    word, flag = words[i]
    nxt_flag = words[i + 1][1] if i + 1 < len(words) else ""
    if word in _BAD_END_WORDS or flag.startswith(_BAD_END_FLAGS) or word[-1].isdigit():
        return False
    if len(word) == 1 and flag[:1] not in ("n", "m", "q"):  # "建立首" of 首贷培植库
        return False
    if len(word) == 1 and flag[:1] in ("m", "q") and not prefix[-2:-1].isdigit():
        return False
    if any(prefix.count(a) > prefix.count(b) for a, b in ("“”", "《》", "（）", "()")):
        return False
    if word in ("》", "”"):  # a whole name or quote may end a title
        return True
    return not (flag.startswith("v") and nxt_flag.startswith(("n", "m", "v")))
