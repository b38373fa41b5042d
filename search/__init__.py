"""Querying a 先例 index: the one door callers (the app, the CLI, bench) go through."""

from index.build import BuildReport, ensure_index
from index.layout import IndexStoreError
from index.logs import configure_logging
from search.counts import FacetCount, OverviewCounts
from search.errors import QueryError
from search.hit import (
    Facets,
    IndexSummary,
    MatchedPassage,
    SearcherLike,
    SearchHit,
    SearchResult,
)
from search.request import MAX_K, MODE_LABELS, MODES, Filters, SearchRequest
from search.searcher import Searcher
from search.settings import SearchSettings

__all__ = [
    "MAX_K",
    "MODES",
    "MODE_LABELS",
    "BuildReport",
    "FacetCount",
    "Facets",
    "Filters",
    "IndexStoreError",
    "IndexSummary",
    "MatchedPassage",
    "OverviewCounts",
    "QueryError",
    "SearchHit",
    "SearchRequest",
    "SearchResult",
    "SearchSettings",
    "Searcher",
    "SearcherLike",
    "configure_logging",
    "ensure_index",
]
