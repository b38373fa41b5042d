"""Every tunable of the search in one frozen value, each default with where it came from.

Benchmarks try other values with ``dataclasses.replace`` and
:meth:`search.searcher.Searcher.with_settings`; nothing is patched at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchSettings:
    """How queries are prepared, how the rankings are fused, and how hits are shaped."""

    # RRF weights of the three rankings in hybrid mode: dense 2 scored +0.8 / +2.2 MRR
    # points on the held-out half of bench/devset (title / message queries).
    dense_weight: float = 2.0
    keyword_weight: float = 1.0
    exact_weight: float = 2.0
    # BM25 over whole records (title + question + reply) beside the passage-level one: short
    # topic queries often have their words spread over the message and the reply
    # (bench.quality: +1.1 nDCG@10 on staff queries, +2.7 on pasted messages).
    record_keyword_weight: float = 1.0
    # The character bigrams of a typed query against the record-level index's bigrams, as a
    # ranking of their own: jieba cuts a query and a record independently, and where the cuts
    # disagree word BM25 scores nothing (index/record_terms.py). bench.quality (graded,
    # judged@10 = 1.00): +1.9 nDCG@10 [+0.8, +3.2] on natural-language questions, +0.6
    # [-0.1, +1.3] on all staff queries. A pasted message sends none: its hundreds of
    # bigrams scored -0.3 and cost first hits (MRR -4.5 points).
    bigram_weight: float = 1.0
    # The question side (the citizen's message, the proposal) competes with the reply's
    # passages at this share: its BM25 scores are multiplied by it, its cosines lowered by
    # (1 - share) × search.rank.DENSE_SPREAD. A pasted message (longer than pasted_chars)
    # matches other messages' wording more than their problem, so it has a share of its own.
    # 0 leaves the question side out. Measured on bench.quality (graded, 66 staff queries and
    # 41 pasted messages): for pasted messages the question side cost 4.4 nDCG@10 points
    # [1.8, 7.4], so it is left out; for typed queries it is neutral (-0.5 [-2.1, 1.0]) and
    # kept, so a card can show that the citizen's message matched.
    question_weight: float = 1.0
    pasted_question_weight: float = 0.0
    pasted_chars: int = 120
    # Cut the framing of a typed question (以往…怎么答复的) from what the retrievers see
    # (bench.quality: +2.8 nDCG@10 [0.5, 5.1] on natural-language questions).
    strip_framing: bool = True
    # Replies with fewer characters of answer than this (「留言已收悉」) are damped by the factor;
    # with the measure bonus below, +1.6 nDCG@10 [0.6, 2.7] on staff queries (bench.quality).
    thin_answer_chars: int = 40
    thin_answer_factor: float = 0.6
    # A question asking for measures lifts replies that hold some by this share.
    measure_bonus: float = 0.1
    # A typed query damps replies with more answer than long_answer_chars: a long reply (a
    # round-up of many issues) has many passages, and one of them matches a short topic by
    # chance more often than a focused reply's. bench.quality (graded, judged@10 = 1.00):
    # +0.7 nDCG@10 [+0.2, +1.3] on staff queries (+0.9 questions, +1.3 measure questions);
    # on pasted messages it was -0.3, so a query longer than pasted_chars is not damped.
    long_answer_chars: int = 800
    long_answer_factor: float = 0.9
    # Pseudo-relevance feedback in hybrid mode (Rocchio on the query vector): the best
    # passages of the first fused ranking's top feedback_records records are averaged into
    # the query vector at feedback_weight and the dense side is searched again (no second
    # model pass). bench.quality: +2.5 nDCG@10 [+0.9, +4.1] on pasted messages, +0.4
    # [-0.4, +1.2] on staff queries; 5 records or weight 1.0 scored no better. 0 switches it off.
    feedback_records: int = 3
    feedback_weight: float = 0.5
    # Cormack et al. (2009) use 60; 30 scored a little better on bench/devset. Lower k gives
    # the very top ranks more say.
    rrf_k: int = 30
    # Candidates each retriever hands to fusion: max(min_depth, depth_per_k * k).
    min_depth: int = 50
    depth_per_k: int = 10
    # Keyword terms kept from a long query (32 → 64: +3.8 MRR points on pasted messages).
    max_terms: int = 64
    # A pasted message's kept terms go to BM25 as often as they occur in it (query-term
    # frequency): a message names its problem several times, a person or a place once.
    # bench.quality (graded, judged@10 = 1.00), 81 pasted messages of the dev and held-out
    # sets: keyword mode +5.8 nDCG@10 [+2.8, +9.1], hybrid +1.3 [-0.7, +3.3]; typed queries
    # are unchanged. Keeping 128 or all terms instead of 64 scored +0.4 / +0.5 more: noise.
    pasted_term_frequency: bool = True
    # What the embedder sees per piece of a long query (its passages are this long), and how
    # many pieces: 1, 2 and 4 score alike on bench/devset; each piece costs a model pass.
    dense_piece_chars: int = 400
    max_dense_pieces: int = 2
    # Matched passages shown per hit.
    passages_per_hit: int = 3
    # Passages the optional cross-encoder rescores (see search/rerank.py).
    rerank_depth: int = 30

    def is_pasted(self, query_chars: int) -> bool:
        """Whether a query this long is pasted text (a message) rather than typed."""
        return query_chars > self.pasted_chars

    def question_share(self, query_chars: int) -> float:
        """The question side's weight for a query of ``query_chars`` characters."""
        return self.pasted_question_weight if self.is_pasted(query_chars) else self.question_weight

    def depth(self, k: int) -> int:
        """How many candidates each retriever returns for a search of ``k`` hits."""
        return max(self.min_depth, self.depth_per_k * k)
