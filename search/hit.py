"""What a search returns: frozen hits, passages and filters."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from index.reply import Measure

Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[str, ...] = ("hybrid", "dense", "keyword")


class QueryError(ValueError):
    """A query, k, mode or filter the user must correct (the CLI exits 2 on it)."""


@dataclass(frozen=True)
class MatchedPassage:
    """A passage of a hit that matched, with the query terms located in it.

    ``highlights`` are ``(start, end)`` character offsets into ``text``; renderers escape
    ``text`` and wrap those spans themselves, so no markup ever travels in the data.
    """

    chunk_id: str
    heading: str
    text: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """One reply that answers the query, ranked, with why it matched."""

    doc_id: str
    rank: int
    score: float
    title: str
    kind: str
    issuer: str | None
    date: str | None
    result_grade: str | None
    doc_number: str | None
    proposal_number: str | None
    passages: tuple[MatchedPassage, ...]
    measures: tuple[Measure, ...]
    duplicates: tuple[str, ...] = ()  # doc_ids of near-identical replies collapsed into this hit

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict whose keys are the field names."""
        return asdict(self)


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before the top k is cut. Dates are ISO ``yyyy-mm-dd``, inclusive."""

    date_from: str | None = None
    date_to: str | None = None
    issuer: str | None = None  # substring match, so 工信局 finds 焦作市工业和信息化局's 简称 too
    kinds: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return not (self.date_from or self.date_to or self.issuer or self.kinds or self.grades)
