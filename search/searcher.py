"""The searcher: loads an index once and answers queries over it.

Hybrid retrieval runs the dense and keyword indexes over passages, adds exact matches on
cited 文号 and 《titles》, fuses the rankings with RRF, then groups passages into replies.
Everything is loaded at start-up and kept in memory: no per-query I/O.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np

from index import store
from index.docnum import normalize_doc_number, same_doc_number
from index.embed import DEFAULT_MODEL, Embedder, load_embedder
from index.reply import Reply
from index.segment import Segmenter
from search.errors import QueryError
from search.filters import allowed_passages
from search.fuse import rrf, rrf_ceiling
from search.hit import Facets, IndexSummary, SearchHit
from search.query import PreparedQuery, prepare_query
from search.request import MAX_K, Filters, SearchRequest
from search.rerank import Reranker, rerank
from search.settings import SearchSettings
from search.shape import RankedPassage, group_hits

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
        position = {r.doc_id: i for i, r in enumerate(index.replies)}
        self._passage_reply = np.array([position[c.doc_id] for c in self.chunks], dtype=np.int64)
        self._texts = [c.text for c in self.chunks]
        self._normalized = [normalize_doc_number(t) for t in self._texts]
        self._first_passage: dict[str, int] = {}
        for i, chunk in enumerate(self.chunks):
            self._first_passage.setdefault(chunk.doc_id, i)
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
    ) -> Searcher:
        """Open the live index at ``index_dir`` with its model (or ``embedder``), checking both."""
        index = store.open_index(index_dir)
        embedder = embedder or load_embedder(model or _model_spec(index.manifest))
        store.check_model(index.manifest, _model_info(embedder), index.directory)
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
        prepared = prepare_query(request.query, self.segmenter.tokenize, self._idf, self.settings)
        allowed = allowed_passages(request.filters, self.index.replies, self._passage_reply)
        ranked = self._rank(prepared, request.mode, allowed, depth=self.settings.depth(request.k))
        return group_hits(
            ranked,
            k=request.k,
            query=prepared,
            chunks=self.chunks,
            replies=self.replies,
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

    def _rank(
        self, query: PreparedQuery, mode: str, allowed: np.ndarray | None, *, depth: int
    ) -> list[RankedPassage]:
        if allowed is not None and len(allowed) == 0:
            return []
        lists: list[list[int]] = []
        weights: list[float] = []
        shown: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            ids, scores = self._dense_ranking(query, allowed, depth)
            lists.append(ids)
            weights.append(self.settings.dense_weight)
            shown.update(zip(ids, scores, strict=True))
        if mode in ("hybrid", "keyword"):
            ids, scores = self._keyword_ranking(query, allowed, depth)
            lists.append(ids)
            weights.append(self.settings.keyword_weight)
            for i, s in zip(ids, scores, strict=True):
                shown.setdefault(i, s)
            exact = self._exact_ranking(query, allowed)
            if exact:
                lists.append(exact)
                weights.append(self.settings.exact_weight)
        fused = rrf(lists, weights, k=self.settings.rrf_k)
        if self.reranker is not None:
            ids = [i for i, _ in fused]
            top = self.settings.rerank_depth
            fused = rerank(self.reranker, query.text, ids, self._texts, top=top)
            return [RankedPassage(i, s) for i, s in fused]
        if mode == "hybrid":
            ceiling = rrf_ceiling(weights, k=self.settings.rrf_k)
            return [RankedPassage(i, s / ceiling) for i, s in fused]
        return [RankedPassage(i, shown.get(i, 0.0)) for i, _ in fused]

    def _dense_ranking(
        self, query: PreparedQuery, allowed: np.ndarray | None, depth: int
    ) -> tuple[list[int], list[float]]:
        vectors = self.embedder.encode_queries(list(query.dense_texts))
        centroid = vectors.mean(axis=0, keepdims=True)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        scores, ids = self.index.dense.search(centroid, depth, allowed)
        keep = ids[0] >= 0
        return ids[0][keep].tolist(), scores[0][keep].tolist()

    def _keyword_ranking(
        self, query: PreparedQuery, allowed: np.ndarray | None, depth: int
    ) -> tuple[list[int], list[float]]:
        terms = [*query.terms, *query.doc_numbers, *query.titles]
        scores, ids = self.index.keyword.search(terms, depth, allowed)
        return ids.tolist(), scores.tolist()

    def _exact_ranking(self, query: PreparedQuery, allowed: np.ndarray | None) -> list[int]:
        """Replies whose own 文号 the query names first, then passages citing it or a 《title》."""
        needles = [*query.doc_numbers, *query.titles]
        if not needles:
            return []
        ok = None if allowed is None else set(allowed.tolist())
        own = [
            self._first_passage[r.doc_id]
            for r in self.index.replies
            if r.doc_number
            and r.doc_id in self._first_passage
            and any(same_doc_number(r.doc_number, n) for n in query.doc_numbers)
        ]
        citing = [i for i, text in enumerate(self._normalized) if any(n in text for n in needles)]
        ranked = list(dict.fromkeys([*own, *citing]))
        return [i for i in ranked if ok is None or i in ok]

    def _idf(self, term: str) -> float:
        total = max(len(self.chunks), 1)
        return float(np.log(1 + total / (1 + self.index.keyword.document_frequency(term))))


def _model_info(embedder: Embedder) -> store.ModelInfo:
    return store.ModelInfo(
        embedder.name, embedder.fingerprint, embedder.dimension, embedder.precision
    )


def _model_spec(manifest: store.Manifest) -> str:
    """What to pass to load_embedder to get the model that built ``manifest``."""
    spec = manifest.settings.get("model_spec")
    return str(spec) if spec else DEFAULT_MODEL
