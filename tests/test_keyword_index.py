"""The bm25s keyword index behind index.engine.KeywordIndex (index/keyword.py)."""

from __future__ import annotations

import numpy as np
import pytest

from index.keyword import Bm25Keyword

PASSAGES = [
    ["夜宵", "噪音", "扰民", "噪音"],
    ["学校", "补课", "收费"],
    ["噪音", "学校"],
    ["停车", "收费"],
]


def test_a_repeated_query_term_counts_as_often_as_it_is_repeated() -> None:
    index = Bm25Keyword.build(PASSAGES)
    total = len(index)
    once = dict(zip(*reversed(index.search(["噪音", "学校"], total)), strict=True))
    twice = dict(zip(*reversed(index.search(["噪音", "学校", "噪音"], total)), strict=True))
    noise = dict(zip(*reversed(index.search(["噪音"], total)), strict=True))
    for doc, score in twice.items():
        assert score == pytest.approx(once[doc] + noise.get(doc, 0.0), rel=1e-5)
    # the same sums as bm25s's own, which adds a token once per occurrence
    direct = index.retriever.get_scores(["噪音", "学校", "噪音"])
    assert np.allclose([twice.get(i, 0.0) for i in range(total)], direct, rtol=1e-5)


def test_unknown_terms_and_an_empty_query_find_nothing() -> None:
    index = Bm25Keyword.build(PASSAGES)
    scores, ids = index.search(["不存在的词"], 10)
    assert len(scores) == len(ids) == 0
    assert len(index.search([], 10)[1]) == 0
