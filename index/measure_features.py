"""Cheap features of a clause (is it a measure?) and of a measure (which stage?).

Features are strings with a weight, fed to the small linear models of
:mod:`index.measure_model`. They must stay cheap, since every reply is read at index build:
character bigrams, the first characters once subject and adverbs are stripped, cue words
(:mod:`index.measure_cues`), the punctuation and outline marker around the clause, the
headings above it and cues of its neighbours in the same sentence. Digits are folded to 0
so that 3台 and 12台 look alike. The training script (``bench/measures_train.py``) calls
these same functions, so what was learned and what runs cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index import measure_cues as cue
from index.clauses import Clause

Features = dict[str, float]
_DIGITS_RE = re.compile(r"\d+")
_NEGATION_RE = re.compile(r"不|未|没有|无法|暂")
_GROUPS = ("formal", "message")


def _fold(text: str) -> str:
    return _DIGITS_RE.sub("0", text)


def intro_of(clauses: Sequence[Clause], i: int) -> str:
    """The colon-ended lead-in before clause ``i`` in its paragraph, else ""."""
    c = clauses[i]
    for j in range(i - 1, -1, -1):
        other = clauses[j]
        if other.paragraph != c.paragraph:
            break
        if other.after[:1] in ("：", ":") and other.sentence != c.sentence:
            first = j
            while first > 0 and clauses[first - 1].sentence == other.sentence:
                first -= 1
            return "，".join(x.text for x in clauses[first : j + 1])
    return ""


@dataclass(frozen=True)
class ClauseCues:
    """What the cue lists find in one clause: the cue families, the clause without its
    subject and adverbs (``rest``) and the action verb it opens with (``verb``)."""

    flags: dict[str, bool]
    rest: str
    verb: str | None


def clause_cues(text: str) -> ClauseCues:
    """Cue families of one clause (also used by the decoding rules)."""
    rest, actor = cue.strip_lead(text)
    verb = cue.ACTION_VERB_RE.search(rest[:6])
    flags = {
        "hverb": verb is not None,
        "verb": verb is not None or bool(cue.ACTION_VERB_RE.search(text)),
        "gov": actor is not None,
        "cit": bool(cue.CITIZEN_RE.match(text)),
        "third": bool(cue.THIRD_PARTY_RE.match(text)),
        "done": bool(cue.DONE_RE.search(text)),
        "fut": bool(cue.FUTURE_RE.search(text)),
        "ong": bool(cue.ONGOING_RE.search(text)),
        "modal": bool(cue.MODAL_RE.search(text)),
        "polref": bool(cue.POLICY_REF_RE.search(text)),
        "copula": bool(cue.COPULA_RE.search(text)),
        "cause": bool(cue.CAUSE_RE.search(text)),
        "cond": bool(cue.CONDITION_RE.match(text)),
        "stat": bool(cue.STATISTIC_RE.search(text)),
        "purp": bool(cue.PURPOSE_RE.match(text)),
        "ack": bool(cue.ACK_RE.search(text)),
        "ref": bool(cue.REFERRAL_RE.search(text)),
        "thanks": bool(cue.THANKS_RE.search(text)),
        "num": any(ch.isdigit() for ch in text),
        "quote": "《" in text,
        "neg": bool(_NEGATION_RE.search(text)),
        "short": len(text) <= 6,
        "long": len(text) > 30,
    }
    return ClauseCues(flags, rest, verb.group() if verb else None)


_CUE_CACHE: dict[str, ClauseCues] = {}
_CUE_CACHE_MAX = 4096


def clause_cues_cached(text: str) -> ClauseCues:
    """:func:`clause_cues` with a small cache: the decoding rules ask again for each clause."""
    hit = _CUE_CACHE.get(text)
    if hit is None:
        if len(_CUE_CACHE) >= _CUE_CACHE_MAX:
            _CUE_CACHE.clear()
        hit = _CUE_CACHE[text] = clause_cues(text)
    return hit


_PAIRS = (
    ("hverb", "done"),
    ("hverb", "fut"),
    ("hverb", "ong"),
    ("gov", "hverb"),
    ("hverb", "modal"),
    ("hverb", "cit"),
    ("hverb", "third"),
    ("verb", "done"),
    ("verb", "fut"),
    ("hverb", "cond"),
    ("hverb", "neg"),
)
_NEIGHBOUR_CUES = ("hverb", "ack", "ref", "fut", "cond", "modal", "done", "cit", "third", "gov")
_SENTENCE_CUES = ("fut", "ong", "ack", "ref", "done", "cit", "modal", "polref")
_SENTENCE_PATTERNS = {
    "fut": cue.FUTURE_RE,
    "ong": cue.ONGOING_RE,
    "ack": cue.ACK_RE,
    "ref": cue.REFERRAL_RE,
    "done": cue.DONE_RE,
    "cit": cue.CITIZEN_RE,
    "modal": cue.MODAL_RE,
    "polref": cue.POLICY_REF_RE,
}


def reply_features(clauses: Sequence[Clause], group: str) -> list[Features]:
    """Features of every clause of one reply; ``group`` is "formal" or "message"."""
    if group not in _GROUPS:
        raise ValueError(f"group must be one of {_GROUPS}, got {group!r}")
    infos = [clause_cues_cached(c.text) for c in clauses]
    sentences: dict[int, list[str]] = {}
    for c in clauses:
        sentences.setdefault(c.sentence, []).append(c.text)
    sentence_flags = {
        k: [name for name in _SENTENCE_CUES if _SENTENCE_PATTERNS[name].search("，".join(v))]
        for k, v in sentences.items()
    }
    end = max(1, clauses[-1].end) if clauses else 1
    out = []
    for i, c in enumerate(clauses):
        f = _own_features(c, infos[i], group)
        _add_context(f, clauses, infos, i)
        for name in sentence_flags[c.sentence]:
            f["s:" + name] = 1.0
        f[f"rel={min(int(4 * c.start / end), 3)}"] = 1.0
        out.append(f)
    return out


def _own_features(c: Clause, info: ClauseCues, group: str) -> Features:
    f: Features = {"bias": 1.0, f"g={group}": 1.0}
    folded = _fold(c.text)
    for k in range(len(folded) - 1):
        key = "c:" + folded[k : k + 2]
        f[key] = f.get(key, 0.0) + 0.5
    f["h2:" + folded[:2]] = 1.0
    f["t2:" + folded[-2:]] = 1.0
    rest = _fold(info.rest)
    f["sh1:" + rest[:1]] = 1.0
    f["sh2:" + rest[:2]] = 1.0
    for name, on in info.flags.items():
        if on:
            f["q:" + name] = 1.0
            f[f"q:{name}|{group}"] = 1.0
    for a, b in _PAIRS:
        if info.flags[a] and info.flags[b]:
            f[f"q:{a}&{b}"] = 1.0
    if info.verb:
        f["hv:" + info.verb] = 1.0
    return f


def _add_context(
    f: Features, clauses: Sequence[Clause], infos: Sequence[ClauseCues], i: int
) -> None:
    c = clauses[i]
    f["sepb=" + (c.before[:1] or "^")] = 1.0
    f["sepa=" + (c.after[:1] or "$")] = 1.0
    f["mk=" + (c.marker or "none")] = 1.0
    if c.is_heading:
        f["in_heading"] = 1.0
    if any(cue.PLAN_HEADING_RE.search(h) for h in c.headings):
        f["ctx_plan"] = 1.0
    if any(cue.BACKGROUND_HEADING_RE.search(h) for h in c.headings):
        f["ctx_bg"] = 1.0
    if c.headings:
        f["ctx_any"] = 1.0
    f[f"pis={min(c.position, 3)}"] = 1.0
    for offset, name in ((-1, "p"), (1, "n"), (-2, "pp")):
        j = i + offset
        if not (0 <= j < len(clauses) and clauses[j].sentence == c.sentence):
            f[name + ":none"] = 1.0
            continue
        for key in _NEIGHBOUR_CUES:
            if infos[j].flags[key]:
                f[f"{name}:{key}"] = 1.0


_STAGE_WORDS = (
    "已", "了", "将", "正在", "目前", "下一步", "今后", "计划", "拟", "预计", "持续", "一直",
    "每年", "继续", "进一步", "争取", "力争", "会", "现", "逐步", "完成", "后",
)  # fmt: skip


def stage_features(
    text: str, before: str, sentence: str, clause: Clause, group: str, intro: str = ""
) -> Features:
    """Features for the stage of one measure.

    ``text`` is the measure, ``before`` the part of its sentence that precedes it (where
    下一步，/目前，/今后 often stand), ``sentence`` the whole sentence, ``clause`` its first
    clause (for the headings above it), ``intro`` the colon-ended lead-in of its paragraph
    (下一步，我们将重点做好以下工作：) when there is one.
    """
    f: Features = {"bias": 1.0, f"g={group}": 1.0}
    folded = _fold(text)
    for k in range(len(folded) - 1):
        f["c:" + folded[k : k + 2]] = 0.5
    _add_stage_cues(f, group, {"t": text, "h": text[:6], "s": sentence, "p": before, "i": intro})
    for word in _STAGE_WORDS:
        if word in text:
            f["w:" + word] = 1.0
        if word in before:
            f["pw:" + word] = 1.0
    if any(cue.PLAN_HEADING_RE.search(h) for h in clause.headings):
        f["ctx_plan"] = 1.0
    if clause.headings:
        f["ctx_any"] = 1.0
    if re.search(r"\d{4}年", text):
        f["year"] = 1.0
    return f


_STAGE_PATTERNS = (("fut", cue.FUTURE_RE), ("ong", cue.ONGOING_RE), ("done", cue.DONE_RE))


def _add_stage_cues(f: Features, group: str, where: dict[str, str]) -> None:
    """``t:fut`` etc. for each stage cue found in each named stretch (t = the measure,
    h = its first characters, s = its sentence, p = before it, i = the paragraph's intro)."""
    for name, pattern in _STAGE_PATTERNS:
        for key, stretch in where.items():
            if pattern.search(stretch):
                f[f"{key}:{name}"] = 1.0
                if key == "t":
                    f[f"t:{name}|{group}"] = 1.0
