"""Title candidates and the cheap features the title chooser scores them by.

A feature is a name and a value; names that carry a word (``first_w=开展``) only count when
the training script kept them (words seen in enough measures), so unknown words score 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from index import measure_cues as cue
from index.measure_title_fit import MAX_TITLE, PREPOSITIONS

Words = tuple[tuple[str, str], ...]
Features = dict[str, float]

# jieba tags of function words: preposition, conjunction, auxiliary (的 了 地 得), modal.
_FUNCTION_FLAGS = ("p", "c", "u", "y", "e")
_NOUN_FLAGS = ("n", "vn", "j", "nz", "ns", "nt", "nr", "b", "an")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("【", "】"), ("‘", "’"))


@dataclass(frozen=True)
class Candidate:
    """One title candidate: ``words`` are its jieba words and tags (``text`` joined).

    ``clause`` is the clause of the measure it comes from (0 = first), ``first``/``last``
    the word range in that clause's stripped rest, ``clause_words`` the rest's word count;
    ``before``/``after`` are the tags of the words just outside the run ("" at the clause's
    ends: a run that stops before a noun cuts its object); ``is_rule`` marks the rule title
    (which may not be a run of the text at all).
    """

    text: str
    words: Words
    clause: int
    first: int
    last: int
    clause_words: int
    before: str = ""
    after: str = ""
    is_rule: bool = False


def is_verb(word: str, flag: str) -> bool:
    """Whether a word is a verb: jieba's v tags (not the verbal noun vn) or the cue list."""
    return (flag.startswith("v") and flag != "vn") or bool(cue.ACTION_VERB_RE.fullmatch(word))


def char_f1(a: str, b: str) -> float:
    """F1 of the characters two titles share (as multisets); 0 when either is empty."""
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def dangles(word: str, flag: str) -> bool:
    """Whether a word at a title's edge leaves it hanging (对, 和, 的, 了, 并…)."""
    return flag.startswith(_FUNCTION_FLAGS) or word in ("并", "及", "等于", "将", "把")


def unbalanced(text: str) -> bool:
    """Whether a bracket or quote is opened and not closed, or closed and not opened."""
    return any(text.count(a) != text.count(b) for a, b in _PAIRS)


def candidate_features(c: Candidate, rule_title: str) -> Features:
    """The features of one candidate of a measure whose rule title is ``rule_title``."""
    if not c.words:
        return {"empty": 1.0}
    (w0, f0), (wn, fn) = c.words[0], c.words[-1]
    verbs = [k for k, (w, f) in enumerate(c.words) if is_verb(w, f)]
    first_verb = verbs[0] if verbs else len(c.words)
    out: Features = {
        "len": len(c.text) / MAX_TITLE,
        f"len_bin={min(len(c.text), 20) // 3}": 1.0,
        "n_words": len(c.words) / 10,
        f"first_pos={f0}": 1.0,
        f"last_pos={fn}": 1.0,
        f"first_w={w0}": 1.0,
        f"last_w={wn}": 1.0,
        "starts_verb": float(bool(verbs) and first_verb == 0),
        "starts_prep": float(w0 in PREPOSITIONS),
        "verb_at": first_verb / max(len(c.words), 1),
        "n_verbs": float(len(verbs)),
        "dangling_start": float(dangles(w0, f0) and w0 not in PREPOSITIONS),
        "dangling_end": float(dangles(wn, fn)),
        "ends_verb": float(is_verb(wn, fn)),
        "unbalanced": float(unbalanced(c.text)),
        "has_object": float(any(f.startswith(_NOUN_FLAGS) for _, f in c.words[first_verb + 1 :])),
        "ends_noun": float(fn.startswith(_NOUN_FLAGS) and first_verb < len(c.words) - 1),
        "digits": float(any(ch.isdigit() for ch in c.text)),
        "cue_verb": float(any(cue.ACTION_VERB_RE.fullmatch(c.words[k][0]) for k in verbs)),
        "is_rule": float(c.is_rule or c.text == rule_title),
        "rule_f1": char_f1(c.text, rule_title),
    }
    if verbs:
        out[f"verb_w={c.words[first_verb][0]}"] = 1.0
    out.update(_position(c))
    return out


def _position(c: Candidate) -> Features:
    """Where the candidate lies in the measure (the rule title lies nowhere)."""
    if c.is_rule and not c.clause_words:
        return {"rule_only": 1.0}
    return {
        f"clause={min(c.clause, 3)}": 1.0,
        "clause_start": float(c.first == 0),
        "clause_end": float(c.last == c.clause_words),
        "whole_clause": float(c.first == 0 and c.last == c.clause_words),
        "words_skipped": c.first / max(c.clause_words, 1),
        f"before_pos={c.before}": 1.0,
        f"after_pos={c.after}": 1.0,
        "subject_left": float(c.words[0][1].startswith(_NOUN_FLAGS) and len(c.words) > 1),
    }
