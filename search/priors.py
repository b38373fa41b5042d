"""Priors on a fused ranking: what a reply is like, apart from how well it matched.

- a reply with (almost) no answer of its own (「留言已收悉」) is damped;
- for a typed query, a very long reply is damped a little: it has many passages, and one
  of them matches a short topic by chance more often than a focused reply's does;
- a question that asks for measures lifts replies that hold some.

Each factor and its measured effect is in :class:`search.settings.SearchSettings`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.query import PreparedQuery
from search.settings import SearchSettings


@dataclass(frozen=True)
class ReplyTraits:
    """Per record (index into the replies): characters of answer, and whether it holds
    measures."""

    answer_chars: np.ndarray
    has_measures: np.ndarray


def apply_priors(
    fused: list[tuple[int, float]],
    query: PreparedQuery,
    settings: SearchSettings,
    traits: ReplyTraits,
) -> list[tuple[int, float]]:
    """``fused`` (record, score in [0, 1]) re-weighed by the priors, best first."""
    typed = not settings.is_pasted(len(query.text))

    def prior(record: int) -> float:
        chars = traits.answer_chars[record]
        factor = 1.0
        if chars < settings.thin_answer_chars:
            factor *= settings.thin_answer_factor
        if typed and chars > settings.long_answer_chars:
            factor *= settings.long_answer_factor
        if query.wants_measures and traits.has_measures[record]:
            factor *= 1.0 + settings.measure_bonus
        return factor

    scored = [(r, min(1.0, s * prior(r))) for r, s in fused]
    return sorted(scored, key=lambda rs: -rs[1])
