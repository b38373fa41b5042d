"""A learned chooser of a measure's title among extractive candidates (an experiment).

The rules of :mod:`index.measure_title` write one title; this module instead lists every
contiguous run of jieba (posseg) words of 4–20 characters that holds a verb and opens with
it or with the 对/把/与… phrase before it (labellers write titles verb first), in each clause
of the measure once its subject, stage words and time adverbials are stripped as the rules
strip them (:func:`index.measure_title_front.strip_front`), adds the rule title as one more
candidate, and returns the candidate a linear model scores highest. The model predicts a
candidate's character-F1 with a labeller's title (:mod:`index.measure_title_rank_features`
makes the features, :mod:`index.measure_title_rank_model` reads the weights).

    choose_title("执法人员已责令其于7日内安装油烟净化设施", rule_title="责令安装油烟净化设施")

Not wired into the extractor: call :func:`title_for` on an extracted ``Measure`` to compare.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.clauses import split_clauses
from index.measure_pos import tag
from index.measure_title_fit import MAX_TITLE, PREPOSITIONS
from index.measure_title_front import strip_front
from index.measure_title_rank_features import Candidate, Words, candidate_features, is_verb
from index.measure_title_rank_model import TitleRankModel, default_title_rank
from index.reply import Measure

MIN_TITLE = 4
# A long formal measure runs over many clauses; its title is in the first few.
MAX_CLAUSES = 6
# 了 after a verb is the stage (已 says it), not part of an act's name: titles leave it out.
_DROPPED_WORDS = frozenset(("了",))
_NO_TEXT_RE = re.compile(r"^[\W_]+$")
_PLACE_OPENERS = ("到", "赴", "深入", "前往")  # "到现场查看": where the act happened


def clause_words(text: str) -> list[Words]:
    """The words of each clause of ``text`` (first :data:`MAX_CLAUSES`) once its subject,
    stage words and adverbials are stripped; 了 and bare punctuation left out."""
    out = []
    for clause in split_clauses(text)[:MAX_CLAUSES]:
        rest = strip_front(clause.text)
        words = tag(rest) if rest else ()
        out.append(tuple((w, f) for w, f in words if w not in _DROPPED_WORDS and w.strip()))
    return out


def candidates(text: str, *, rule_title: str = "") -> list[Candidate]:
    """Every distinct run of 4–20 characters holding a verb, in reading order, and the rule
    title (marked) when it is not one of them. Never empty when ``rule_title`` is given."""
    seen: dict[str, Candidate] = {}
    for k, words in enumerate(clause_words(text)):
        for i in range(len(words)):
            if _NO_TEXT_RE.match(words[i][0]) or not _opens_act(words, i):
                continue
            size, verb = 0, False
            for j in range(i, len(words)):
                size += len(words[j][0])
                if size > MAX_TITLE:
                    break
                verb = verb or is_verb(*words[j])
                if size >= MIN_TITLE and verb and not _NO_TEXT_RE.match(words[j][0]):
                    run = words[i : j + 1]
                    key = "".join(w for w, _ in run)
                    before = words[i - 1][1] if i else ""
                    after = words[j + 1][1] if j + 1 < len(words) else ""
                    found = Candidate(key, run, k, i, j + 1, len(words), before, after)
                    seen.setdefault(key, found)
    if rule_title:
        if rule_title in seen:
            seen[rule_title] = replace(seen[rule_title], is_rule=True)
        else:
            seen[rule_title] = Candidate(rule_title, tag(rule_title), 0, 0, 0, 0, is_rule=True)
    return list(seen.values())


def _opens_act(words: Words, i: int) -> bool:
    """Whether a title may start at word ``i``: with its verb or with the 对/把/与… phrase
    before it, as labellers write titles (verb first), never with its object or subject."""
    return is_verb(*words[i]) or words[i][0] in PREPOSITIONS + _PLACE_OPENERS


def scored(
    text: str, *, rule_title: str = "", model: TitleRankModel | None = None
) -> list[tuple[float, Candidate]]:
    """Each candidate with its score, best first (ties keep reading order)."""
    model = model or default_title_rank()
    found = candidates(text, rule_title=rule_title)
    scores = [model.score(candidate_features(c, rule_title)) for c in found]
    order = sorted(range(len(found)), key=lambda n: -scores[n])
    return [(scores[n], found[n]) for n in order]


def choose_title(text: str, *, rule_title: str = "", model: TitleRankModel | None = None) -> str:
    """The best-scored title candidate of the measure ``text``; the rule title when no run
    holds a verb, and the text cut to 20 characters when there is neither."""
    best = scored(text, rule_title=rule_title, model=model)
    if best:
        return best[0][1].text
    return text.strip()[:MAX_TITLE]


def title_for(measure: Measure, *, model: TitleRankModel | None = None) -> str:
    """The learned title of an extracted measure: its text, its rule title as a candidate."""
    return choose_title(measure.text, rule_title=measure.title, model=model)
