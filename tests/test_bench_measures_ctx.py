"""The contextual-vector experiment's helpers: windows over long replies, pooling by offsets."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from bench.measures_ctx_encode import best_window, pool_clauses, windows
from index.clauses import split_clauses


def test_windows_overlap_by_half_and_end_flush() -> None:
    assert windows(300, 508) == [(0, 300)]
    assert windows(1200, 508) == [(0, 508), (254, 762), (508, 1016), (692, 1200)]


def test_token_takes_the_window_where_it_is_furthest_from_a_cut() -> None:
    spans = windows(1200, 508)
    assert best_window(10, spans, 1200) == 0  # the text's start is no cut
    assert best_window(500, spans, 1200) == 1  # 6 from window 0's cut, 246 into window 1
    assert best_window(1190, spans, 1200) == 3


def test_pool_clauses_averages_the_tokens_of_each_clause() -> None:
    prompt = "passage: "
    text = "我局已于2022年10月开工，计划2024年9月投入使用。"
    clauses = split_clauses(text)
    assert [c.text for c in clauses] == ["我局已于2022年10月开工", "计划2024年9月投入使用"]
    # offsets as the e5 tokenizer gives them for prompt + text (▁我 takes the space)
    cuts = [8, 10, 11, 12, 13, 17, 18, 20, 21, 22, 23, 24, 26, 28, 30, 31, 32, 33, 35, 37, 38]
    offsets = list(pairwise(cuts))
    states = np.arange(len(offsets), dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)
    pooled = pool_clauses(states, offsets, clauses, len(prompt))
    # clause 1 is tokens 0..9 (▁我 … 工), clause 2 tokens 11..18 (计划 … 使用); ， and 。 in neither
    assert pooled[0].tolist() == [4.5, 4.5]
    assert pooled[1].tolist() == [14.5, 14.5]
