"""The searcher: loads an index once and answers queries over it.

Hybrid retrieval runs the dense and keyword indexes over passages, adds exact matches on
cited 文号 and 《titles》, fuses the rankings with RRF, then groups passages into replies.
Everything is loaded at start-up and kept in memory: no per-query I/O.
"""

from __future__ import annotations

import copy
import functools
import logging
from dataclasses import replace
from pathlib import Path

from index import store
from index.embed import DEFAULT_MODEL, Embedder, load_embedder
from index.reply import Reply
from index.segment import Segmenter
from index.store import LoadedIndex, check_model
from index.store_spec import open_store, parse_store
from search.counts import overview_counts
from search.errors import QueryError
from search.filters import allowed_records
from search.hit import Facets, IndexSummary, SearchHit, SearchResult
from search.query import PreparedQuery, prepare_query
from search.rank import RankedRecord, Ranker
from search.request import MAX_K, Filters, SearchRequest
from search.rerank import Reranker
from search.settings import SearchSettings
from search.shape import group_hits
from search.topics import TopicModel, TopicReport

logger = logging.getLogger(__name__)


class Searcher:
    """Query one loaded index. Open one with :meth:`load`."""

    def __init__(
        self,
        index: store.LoadedIndex,
        *,
        embedder: Embedder,
        segmenter: Segmenter,
        settings: SearchSettings | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.index = index
        self.manifest = index.manifest
        self.chunks = index.chunks
        self.embedder = embedder
        self.segmenter = segmenter
        self.settings = settings or SearchSettings()
        self.reranker = reranker
        self.replies = {r.doc_id: r for r in index.replies}
        self._ranker = Ranker(index, embedder)
        self._duplicates = {d: tuple(x for x in g if x != d) for g in index.duplicates for d in g}

    @classmethod
    def load(
        cls,
        index_dir: Path | str,
        *,
        embedder: Embedder | None = None,
        model: str | None = None,
        settings: SearchSettings | None = None,
        reranker: Reranker | None = None,
        store: str | None = None,
    ) -> Searcher:
        """Open the live index at ``index_dir`` (or the ``--store`` spec ``store``) and check it."""
        index: LoadedIndex = open_store(parse_store(store, index_dir))
        embedder = embedder or load_embedder(model or _model_spec(index.manifest))
        check_model(index.manifest, _model_info(embedder), index.directory)
        segmenter = Segmenter(extra_terms=index.terms)
        if segmenter.dictionary_hash != index.manifest.dictionary_hash:
            logger.warning(
                "the segmenter dictionary changed since %s was built; keyword results "
                "may be off until it is rebuilt",
                index.directory,
            )
        return cls(
            index, embedder=embedder, segmenter=segmenter, settings=settings, reranker=reranker
        )

    def with_settings(self, settings: SearchSettings) -> Searcher:
        """The same loaded index and model searched with other settings (for tuning)."""
        other = copy.copy(self)
        other.settings = settings
        return other

    def search(
        self, query: str, *, k: int = 10, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[SearchHit]:
        """The ``k`` replies that best answer ``query``, best first, one per reply."""
        return self.run(SearchRequest(query, k, mode, filters or Filters()))

    def run(self, request: SearchRequest) -> list[SearchHit]:
        """The hits for a validated :class:`SearchRequest`."""
        return self._hits(request, *self._ranked(request))

    def search_with_overview(self, request: SearchRequest) -> SearchResult:
        """The hits and, from the same ranking, facet counts over every record above the
        relevance floor (see :mod:`search.counts`)."""
        prepared, ranked = self._ranked(request)
        hits = self._hits(request, prepared, ranked)
        return SearchResult(tuple(hits), overview_counts(ranked, self.index.replies, request))

    def _ranked(self, request: SearchRequest) -> tuple[PreparedQuery, list[RankedRecord]]:
        settings = self.settings
        prepared = prepare_query(request.query, self.segmenter.tokenize, self._ranker.idf, settings)
        ranked = self._ranker.rank(
            prepared,
            request.mode,
            allowed_records(request.filters, self.index.replies),
            settings,
            depth=settings.depth(request.k),
            reranker=self.reranker,
        )
        return prepared, ranked

    def _hits(
        self, request: SearchRequest, prepared: PreparedQuery, ranked: list[RankedRecord]
    ) -> list[SearchHit]:
        return group_hits(
            ranked,
            k=request.k,
            query=prepared,
            chunks=self.chunks,
            replies=self.index.replies,
            duplicates=self._duplicates,
            passages_per_hit=self.settings.passages_per_hit,
        )

    def similar(
        self, doc_id: str, *, k: int = 10, filters: Filters | None = None
    ) -> list[SearchHit]:
        """Replies most like ``doc_id`` (itself and its near-duplicates left out)."""
        reply = self.reply(doc_id)
        skip = {doc_id, *self._duplicates.get(doc_id, ())}
        text = "\n".join(x for x in (reply.title, reply.question, reply.body) if x)
        request = SearchRequest(text, k, filters=filters or Filters())  # checks k
        hits = self.run(replace(request, k=min(MAX_K, k + len(skip))))
        kept = [h for h in hits if h.doc_id not in skip][:k]
        return [replace(h, rank=rank) for rank, h in enumerate(kept, start=1)]

    def topics(self, date_from: str, date_to: str, filters: Filters | None = None) -> TopicReport:
        """Recurring topics of the records dated ``date_from``–``date_to`` (see search.topics)."""
        return self._topic_model.topics(date_from, date_to, filters)

    @functools.cached_property
    def _topic_model(self) -> TopicModel:
        """Record vectors and terms for topics, made on first use (0.05 s on 附件4; a copy of
        the question-side vectors at scale), so a plain search never pays for them."""
        return TopicModel(self.index)

    def reply(self, doc_id: str) -> Reply:
        """The whole reply with this id."""
        try:
            return self.replies[doc_id]
        except KeyError:
            raise QueryError("unknown_reply", got=doc_id) from None

    def facets(self) -> Facets:
        """Issuers, kinds, grades and the date range present in the index."""
        values = self.index.replies
        dates = sorted(r.date for r in values if r.date)
        return Facets(
            issuers=tuple(sorted({r.issuer for r in values if r.issuer})),
            kinds=tuple(sorted({r.kind for r in values})),
            grades=tuple(sorted({r.result_grade for r in values if r.result_grade})),
            date_min=dates[0] if dates else None,
            date_max=dates[-1] if dates else None,
        )

    def summary(self) -> IndexSummary:
        """Size, model and build time of the loaded index."""
        counts = self.manifest.counts
        return IndexSummary(
            replies=counts.get("replies", len(self.replies)),
            passages=counts.get("passages", len(self.chunks)),
            model=self.manifest.model.name,
            built_at=self.manifest.built_at,
        )


def _model_info(embedder: Embedder) -> store.ModelInfo:
    return store.ModelInfo(
        embedder.name, embedder.fingerprint, embedder.dimension, embedder.precision
    )


def _model_spec(manifest: store.Manifest) -> str:
    """What to pass to load_embedder to get the model that built ``manifest``."""
    spec = manifest.settings.get("model_spec")
    return str(spec) if spec else DEFAULT_MODEL
