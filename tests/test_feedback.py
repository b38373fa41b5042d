"""Pseudo-relevance feedback and the priors: the query vector moves toward the top records,
and what a reply is like (thin, very long, with measures) re-weighs the fused ranking."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.engine import DenseIndex
from search import Filters, Searcher, SearchSettings
from search.feedback import expand_query
from search.priors import ReplyTraits, apply_priors
from search.query import PreparedQuery
from search.request import SearchRequest
from tests.fakes import FakeEmbedder


def _unit(*values: float) -> np.ndarray:
    v = np.array([values], dtype=np.float32)
    return v / np.linalg.norm(v)


def test_the_query_moves_toward_the_feedback_and_stays_unit_length() -> None:
    query, feedback = _unit(1, 0, 0), np.vstack([_unit(0, 1, 0), _unit(0, 1, 1)])
    moved = expand_query(query, feedback, 0.5)
    centre = feedback.mean(axis=0)
    assert np.linalg.norm(moved) == pytest.approx(1.0, abs=1e-6)
    assert (moved @ centre).item() > (query @ centre).item()
    assert float(moved[0, 0]) > float(moved[0, 1]), "the query still weighs most at 0.5"


def test_no_weight_or_no_feedback_leaves_the_query_alone() -> None:
    query = _unit(1, 2, 3)
    assert expand_query(query, _unit(0, 1, 0), 0.0) is query
    assert expand_query(query, np.zeros((0, 3), dtype=np.float32), 0.5) is query


class _Spy:
    """A dense index that records each query vector it is asked for."""

    def __init__(self, inner: DenseIndex) -> None:
        self.inner, self.kind = inner, inner.kind
        self.asked: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.inner)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        self.asked.append(queries.copy())
        return self.inner.search(queries, k, allowed)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        return self.inner.vectors(ids)

    def save(self, path: Path) -> None:
        self.inner.save(path)


def _spied(fake_index: Path, settings: SearchSettings) -> tuple[Searcher, _Spy]:
    searcher = Searcher.load(fake_index, embedder=FakeEmbedder(), settings=settings)
    spy = _Spy(searcher.index.dense)
    searcher._ranker.index = replace(searcher.index, dense=spy)
    return searcher, spy


def test_hybrid_searches_again_with_the_top_records_best_passages(fake_index: Path) -> None:
    plain = SearchSettings(feedback_records=0, question_weight=0.0)
    first = Searcher.load(fake_index, embedder=FakeEmbedder(), settings=plain)
    _, ranked = first._ranked(SearchRequest("老旧小区 加装电梯 补贴", 3, "hybrid", Filters()))
    searcher, spy = _spied(fake_index, replace(plain, feedback_records=3, feedback_weight=0.5))
    searcher.search("老旧小区 加装电梯 补贴", k=3)
    assert len(spy.asked) == 2, "one reply-side search, then one with the moved vector"
    best = [r.passages[0].passage for r in ranked[:3]]
    expected = expand_query(spy.asked[0], spy.vectors(np.array(best)), 0.5)
    assert np.allclose(spy.asked[1], expected, atol=1e-6)


@pytest.mark.parametrize("mode", ["dense", "keyword"])
def test_single_modes_and_zero_records_search_once(fake_index: Path, mode: str) -> None:
    searcher, spy = _spied(fake_index, SearchSettings(question_weight=0.0))
    searcher.search("老旧小区 加装电梯", k=3, mode=mode)
    assert len(spy.asked) == (1 if mode == "dense" else 0)
    off, spy_off = _spied(fake_index, SearchSettings(question_weight=0.0, feedback_records=0))
    off.search("老旧小区 加装电梯", k=3)
    assert len(spy_off.asked) == 1


def _query(text: str, *, wants_measures: bool = False) -> PreparedQuery:
    return PreparedQuery(text, (), (text,), (), (), wants_measures=wants_measures)


TRAITS = ReplyTraits(np.array([20, 300, 2_000]), np.array([False, True, True]))
FUSED = [(2, 0.9), (1, 0.85), (0, 0.8)]


def test_a_typed_query_damps_thin_and_very_long_replies() -> None:
    order = apply_priors(FUSED, _query("路灯不亮"), SearchSettings(), TRAITS)
    assert [r for r, _ in order] == [1, 2, 0]
    assert dict(order)[2] == pytest.approx(0.9 * SearchSettings().long_answer_factor)


def test_a_pasted_message_does_not_damp_long_replies() -> None:
    pasted = _query("幸福路的路灯坏了三个月，晚上很黑，" * 10)
    order = apply_priors(FUSED, pasted, SearchSettings(), TRAITS)
    assert [r for r, _ in order] == [2, 1, 0] and dict(order)[2] == pytest.approx(0.9)


def test_asking_for_measures_lifts_replies_that_hold_some() -> None:
    settings = SearchSettings(long_answer_factor=1.0)
    fused = [(0, 0.9), (1, 0.85)]
    traits = ReplyTraits(np.array([300, 300]), np.array([False, True]))
    asked = apply_priors(fused, _query("路灯", wants_measures=True), settings, traits)
    assert [r for r, _ in asked] == [1, 0]
    assert [r for r, _ in apply_priors(fused, _query("路灯"), settings, traits)] == [0, 1]
