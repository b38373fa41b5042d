from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from index.embed import CrossEncoderReranker
from search import Searcher
from search.rerank import rerank
from tests.fakes import FakeEmbedder


class LengthReranker:
    """Prefers short passages: a reranker whose order is easy to predict."""

    def __init__(self) -> None:
        self.calls = 0

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        self.calls += 1
        return [-float(len(p)) for p in passages]


def test_rerank_reorders_the_head_and_keeps_the_tail() -> None:
    texts = ["aaaa", "a", "aaa", "aa", "aaaaa"]
    order = rerank(LengthReranker(), "q", [0, 1, 2, 3, 4], texts, top=3)
    assert [i for i, _ in order] == [1, 2, 0, 3, 4]


def test_searcher_applies_a_configured_reranker(fake_index: Path) -> None:
    reranker = LengthReranker()
    searcher = Searcher.load(fake_index, embedder=FakeEmbedder(), reranker=reranker)
    hits = searcher.search("停车 泊位 老旧小区", k=5)
    assert reranker.calls == 1
    firsts = [len(h.passages[0].text) for h in hits]
    assert hits and firsts[0] == min(firsts)


def test_missing_reranker_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="cross-encoder"):
        CrossEncoderReranker(tmp_path / "nope")
