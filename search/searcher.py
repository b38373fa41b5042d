"""The searcher: loads an index once and answers queries over it.

Hybrid retrieval runs FAISS (dense) and BM25 (keyword) over passages, adds exact
matches on cited 文号 and 《titles》, fuses the rankings with RRF, then groups passages
into replies. Everything is loaded at start-up and kept in memory: no per-query I/O.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index import store
from index.dense import read_dense, search_dense
from index.docnum import normalize_doc_number, same_doc_number
from index.embed import DEFAULT_MODEL, Embedder, load_embedder
from index.keyword import read_keyword, search_keyword
from index.reply import Chunk, Reply
from index.segment import Segmenter
from search.filters import allowed_passages
from search.fuse import rrf, rrf_ceiling
from search.hit import MODES, Filters, QueryError, SearchHit
from search.query import PreparedQuery, prepare_query
from search.rerank import Reranker, rerank
from search.shape import RankedPassage, group_hits

logger = logging.getLogger(__name__)

MAX_K = 100


@dataclass(frozen=True)
class Weights:
    """RRF weights of the three rankings in hybrid mode (tuned on bench/devset)."""

    # dense 2.0: +0.8 / +2.2 MRR points on the held-out half (title / message queries)
    dense: float = 2.0
    keyword: float = 1.0
    exact: float = 2.0


@dataclass(frozen=True)
class Facets:
    """Values the UI offers as filters."""

    issuers: tuple[str, ...]
    kinds: tuple[str, ...]
    grades: tuple[str, ...]
    date_min: str | None
    date_max: str | None


class Searcher:
    """Query one index. Build with :meth:`load`."""

    def __init__(
        self,
        *,
        manifest: store.Manifest,
        replies: list[Reply],
        chunks: list[Chunk],
        vectors: np.ndarray,
        dense: object,
        keyword: object,
        segmenter: Segmenter,
        embedder: Embedder,
        duplicates: list[list[str]],
        weights: Weights | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.manifest = manifest
        self.replies = {r.doc_id: r for r in replies}
        self._reply_list = replies
        self.chunks = chunks
        self.vectors = vectors
        self._dense = dense
        self._keyword = keyword
        self.segmenter = segmenter
        self.embedder = embedder
        self.weights = weights or Weights()
        self.reranker = reranker
        position = {r.doc_id: i for i, r in enumerate(replies)}
        self._passage_reply = np.array([position[c.doc_id] for c in chunks], dtype=np.int64)
        self._texts = [c.text for c in chunks]
        self._normalized = [normalize_doc_number(t) for t in self._texts]
        self._first_passage: dict[str, int] = {}
        for i, chunk in enumerate(chunks):
            self._first_passage.setdefault(chunk.doc_id, i)
        self._duplicates = {d: tuple(x for x in g if x != d) for g in duplicates for d in g}
        self._df = _document_frequencies(keyword)

    @classmethod
    def load(
        cls,
        index_dir: Path | str,
        *,
        embedder: Embedder | None = None,
        model: str | None = None,
        weights: Weights | None = None,
        reranker: Reranker | None = None,
    ) -> Searcher:
        """Load the live index at ``index_dir`` with its model (or ``embedder``), checking both."""
        index_dir = Path(index_dir)
        paths = store.live_generation(index_dir)
        manifest = store.read_manifest(paths)
        store.verify_checksums(paths, manifest)
        replies, chunks, vectors, terms = store.load_records(paths)
        embedder = embedder or load_embedder(model or _model_spec(manifest))
        store.check_model(manifest, _model_info(embedder), index_dir)
        segmenter = Segmenter(extra_terms=terms)
        if segmenter.dictionary_hash != manifest.dictionary_hash:
            logger.warning(
                "the segmenter dictionary changed since %s was built; keyword results "
                "may be off until it is rebuilt",
                index_dir,
            )
        return cls(
            manifest=manifest,
            replies=replies,
            chunks=chunks,
            vectors=vectors,
            dense=read_dense(paths.file(store.DENSE)),
            keyword=read_keyword(paths.file(store.BM25_DIR)),
            segmenter=segmenter,
            embedder=embedder,
            duplicates=store.load_duplicates(paths),
            weights=weights,
            reranker=reranker,
        )

    def search(
        self, query: str, *, k: int = 10, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[SearchHit]:
        """The ``k`` replies that best answer ``query``, best first, one per reply."""
        _check_k(k)
        if mode not in MODES:
            raise QueryError(f"Unknown mode {mode!r}; choose one of {', '.join(MODES)}.")
        prepared = prepare_query(query, self.segmenter.tokenize, self._idf)
        allowed = allowed_passages(filters, self._reply_list, self._passage_reply)
        ranked = self._rank(prepared, mode, allowed, depth=max(50, 10 * k))
        return group_hits(
            ranked,
            k=k,
            query=prepared,
            chunks=self.chunks,
            replies=self.replies,
            duplicates=self._duplicates,
        )

    def similar(
        self, doc_id: str, *, k: int = 10, filters: Filters | None = None
    ) -> list[SearchHit]:
        """Replies most like ``doc_id`` (itself and its near-duplicates left out)."""
        reply = self.reply(doc_id)
        _check_k(k)
        text = "\n".join(x for x in (reply.title, reply.question, reply.body) if x)
        skip = {doc_id, *self._duplicates.get(doc_id, ())}
        hits = self.search(text, k=min(MAX_K, k + len(skip)), filters=filters)
        kept = [h for h in hits if h.doc_id not in skip][:k]
        return [_renumbered(h, rank) for rank, h in enumerate(kept, start=1)]

    def reply(self, doc_id: str) -> Reply:
        """The whole reply with this id."""
        try:
            return self.replies[doc_id]
        except KeyError:
            raise QueryError(f"No reply with doc_id {doc_id!r} in this index.") from None

    def facets(self) -> Facets:
        """Issuers, kinds, grades and the date range present in the index."""
        values = self._reply_list
        dates = sorted(r.date for r in values if r.date)
        return Facets(
            issuers=tuple(sorted({r.issuer for r in values if r.issuer})),
            kinds=tuple(sorted({r.kind for r in values})),
            grades=tuple(sorted({r.result_grade for r in values if r.result_grade})),
            date_min=dates[0] if dates else None,
            date_max=dates[-1] if dates else None,
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
            weights.append(self.weights.dense)
            shown.update(zip(ids, scores, strict=True))
        if mode in ("hybrid", "keyword"):
            ids, scores = self._keyword_ranking(query, allowed, depth)
            lists.append(ids)
            weights.append(self.weights.keyword)
            for i, s in zip(ids, scores, strict=True):
                shown.setdefault(i, s)
            exact = self._exact_ranking(query, allowed)
            if exact:
                lists.append(exact)
                weights.append(self.weights.exact)
        fused = rrf(lists, weights)
        if self.reranker is not None:
            fused = rerank(self.reranker, query.text, [i for i, _ in fused], self._texts)
            return [RankedPassage(i, s) for i, s in fused]
        if mode == "hybrid":
            ceiling = rrf_ceiling(weights)
            return [RankedPassage(i, s / ceiling) for i, s in fused]
        return [RankedPassage(i, shown.get(i, 0.0)) for i, _ in fused]

    def _dense_ranking(
        self, query: PreparedQuery, allowed: np.ndarray | None, depth: int
    ) -> tuple[list[int], list[float]]:
        vectors = self.embedder.encode_queries(list(query.dense_texts))
        centroid = vectors.mean(axis=0, keepdims=True)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        scores, ids = search_dense(self._dense, centroid, depth, allowed)  # type: ignore[arg-type]
        keep = ids[0] >= 0
        return ids[0][keep].tolist(), scores[0][keep].tolist()

    def _keyword_ranking(
        self, query: PreparedQuery, allowed: np.ndarray | None, depth: int
    ) -> tuple[list[int], list[float]]:
        terms = [*query.terms, *query.doc_numbers, *query.titles]
        scores, ids = search_keyword(self._keyword, terms, depth, allowed)  # type: ignore[arg-type]
        return ids.tolist(), scores.tolist()

    def _exact_ranking(self, query: PreparedQuery, allowed: np.ndarray | None) -> list[int]:
        """Replies whose own 文号 the query names first, then passages citing it or a 《title》."""
        needles = [*query.doc_numbers, *query.titles]
        if not needles:
            return []
        ok = None if allowed is None else set(allowed.tolist())
        own = [
            self._first_passage[r.doc_id]
            for r in self._reply_list
            if r.doc_number
            and r.doc_id in self._first_passage
            and any(same_doc_number(r.doc_number, n) for n in query.doc_numbers)
        ]
        citing = [i for i, text in enumerate(self._normalized) if any(n in text for n in needles)]
        ranked = list(dict.fromkeys([*own, *citing]))
        return [i for i in ranked if ok is None or i in ok]

    def _idf(self, term: str) -> float:
        total = max(len(self.chunks), 1)
        return float(np.log(1 + total / (1 + self._df.get(term, 0))))


def _document_frequencies(keyword: object) -> dict[str, int]:
    """Passages per term, read off the BM25 matrix (one column per vocabulary entry)."""
    vocab: dict[str, int] = getattr(keyword, "vocab_dict", {})
    indptr = np.asarray(getattr(keyword, "scores", {}).get("indptr", []))
    if len(indptr) < 2:
        return {}
    counts = np.diff(indptr)
    return {term: int(counts[i]) for term, i in vocab.items() if i < len(counts)}


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}.")


def _model_info(embedder: Embedder) -> store.ModelInfo:
    return store.ModelInfo(
        embedder.name, embedder.fingerprint, embedder.dimension, embedder.precision
    )


def _model_spec(manifest: store.Manifest) -> str:
    """What to pass to load_embedder to get the model that built ``manifest``."""
    spec = manifest.settings.get("model_spec")
    return str(spec) if spec else DEFAULT_MODEL


def _renumbered(hit: SearchHit, rank: int) -> SearchHit:
    return replace(hit, rank=rank)
