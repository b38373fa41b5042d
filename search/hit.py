"""What a search returns: frozen hits and passages, the index's facets, and the searcher's
interface as callers (the app, its test fakes) see it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from index.reply import Field, Measure, Reply
from search.counts import OverviewCounts
from search.request import Filters, SearchRequest
from search.topics import TopicReport


@dataclass(frozen=True)
class MatchedPassage:
    """A passage of a hit that matched, with the query terms located in it.

    ``highlights`` are ``(start, end)`` character offsets into ``text``; renderers escape
    ``text`` and wrap those spans themselves, so no markup ever travels in the data.
    ``field`` says whether it is the reply's text or the question's (message, proposal).
    """

    chunk_id: str
    heading: str
    text: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()
    field: Field = "reply"


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

    @classmethod
    def from_reply(
        cls,
        reply: Reply,
        *,
        rank: int,
        passages: Sequence[MatchedPassage] = (),
        measures: Sequence[Measure] | None = None,
        duplicates: Sequence[str] = (),
        score: float | None = None,
    ) -> SearchHit:
        """The hit for ``reply``: its fields, the passages that matched, its measures."""
        first = passages[0].score if passages else 0.0
        return cls(
            doc_id=reply.doc_id,
            rank=rank,
            score=first if score is None else score,
            title=reply.title,
            kind=reply.kind,
            issuer=reply.issuer,
            date=reply.date,
            result_grade=reply.result_grade,
            doc_number=reply.doc_number,
            proposal_number=reply.proposal_number,
            passages=tuple(passages),
            measures=tuple(reply.measures if measures is None else measures),
            duplicates=tuple(duplicates),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict whose keys are the field names."""
        return asdict(self)


@dataclass(frozen=True)
class SearchResult:
    """A search's hits and the facet counts over every record above the relevance floor."""

    hits: tuple[SearchHit, ...]
    counts: OverviewCounts

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"hits": [...], "counts": {...}}``."""
        return {"hits": [h.to_dict() for h in self.hits], "counts": self.counts.to_dict()}


@dataclass(frozen=True)
class Facets:
    """Values the index holds, which the UI offers as filters."""

    issuers: tuple[str, ...]
    kinds: tuple[str, ...]
    grades: tuple[str, ...]
    date_min: str | None
    date_max: str | None


@dataclass(frozen=True)
class IndexSummary:
    """One line's worth about the loaded index: size, model, when it was built."""

    replies: int
    passages: int
    model: str
    built_at: str


class SearcherLike(Protocol):
    """What callers use of :class:`search.searcher.Searcher` (test fakes implement it too)."""

    def run(self, request: SearchRequest) -> list[SearchHit]: ...

    def search_with_overview(self, request: SearchRequest) -> SearchResult: ...

    def topics(
        self, date_from: str, date_to: str, filters: Filters | None = None
    ) -> TopicReport: ...

    def reply(self, doc_id: str) -> Reply: ...

    def similar(self, doc_id: str, *, k: int = 10) -> list[SearchHit]: ...

    def facets(self) -> Facets: ...

    def summary(self) -> IndexSummary: ...
