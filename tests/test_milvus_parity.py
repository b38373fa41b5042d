"""The engine-independent search tests, run against both engines: local and milvus-lite.

Every test of tests/test_searcher.py that only needs a ``searcher`` runs here twice, once
per engine, through the fixture below; then the two engines' dense and keyword answers
are compared directly, score by score.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.milvus_build import import_index
from index.store_spec import parse_store
from search import Searcher
from tests import test_searcher as engine_tests
from tests.fakes import FakeEmbedder

# Collected here again, each with this module's ``searcher`` fixture (both engines).
for _name, _test in vars(engine_tests).items():
    if _name.startswith("test_") and "searcher" in inspect.signature(_test).parameters:
        globals()[_name] = _test


@pytest.fixture(scope="module")
def milvus_spec(fake_index: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shared fake index copied into a milvus-lite file."""
    spec = f"milvus:{tmp_path_factory.mktemp('milvus') / 'fake.db'}"
    import_index(fake_index, parse_store(spec, ""))
    return spec


@pytest.fixture(scope="module", params=["local", "milvus-lite"])
def searcher(request: pytest.FixtureRequest, fake_index: Path, milvus_spec: str) -> Searcher:
    store_spec = None if request.param == "local" else milvus_spec
    return Searcher.load(fake_index, embedder=FakeEmbedder(), store=store_spec)


@pytest.fixture(scope="module")
def both(fake_index: Path, milvus_spec: str) -> tuple[Searcher, Searcher]:
    local = Searcher.load(fake_index, embedder=FakeEmbedder())
    return local, Searcher.load(fake_index, embedder=FakeEmbedder(), store=milvus_spec)


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> None:
    """Same scores, and the same ids once ties are put in id order."""
    (sa, ia), (sb, ib) = a, b
    np.testing.assert_allclose(sa, sb, rtol=1e-4, atol=1e-5)
    order_a = np.lexsort((ia, -np.round(sa, 4)))
    order_b = np.lexsort((ib, -np.round(sb, 4)))
    assert ia[order_a].tolist() == ib[order_b].tolist()


QUERIES = [
    "停车 泊位",
    "加装电梯 补贴",
    "中心城区 高端制造业 园区",
    "噪音",
    "学校 学位",
    "《条例》",
    "噪音 噪音 噪音 学校",  # a pasted message's terms come as often as they occur in it
]


@pytest.mark.parametrize("query", QUERIES)
def test_keyword_scores_equal_bm25s(both: tuple[Searcher, Searcher], query: str) -> None:
    local, milvus = both
    tokens = local.segmenter.tokenize(query)
    for name in ("keyword", "record_keyword"):
        total = len(getattr(local.index, name))
        _same(
            getattr(local.index, name).search(tokens, total),
            getattr(milvus.index, name).search(tokens, total),
        )
    assert all(
        local.index.keyword.document_frequency(t) == milvus.index.keyword.document_frequency(t)
        for t in tokens
    )


def test_dense_and_filtered_search_equal_faiss(both: tuple[Searcher, Searcher]) -> None:
    local, milvus = both
    vector = FakeEmbedder().encode_queries(["加装电梯 补贴"])
    total = len(local.chunks)
    allowed = np.arange(0, total, 3, dtype=np.int64)
    for ids in (None, allowed):
        (ls, li), (ms, mi) = (x.index.dense.search(vector, 10, ids) for x in both)
        _same((ls[0], li[0]), (ms[0], mi[0]))
    _, ids = milvus.index.keyword.search(["电梯"], 50, allowed)
    assert set(ids.tolist()) <= set(allowed.tolist())


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_same_replies_in_every_mode(both: tuple[Searcher, Searcher], mode: str) -> None:
    for query in QUERIES[:4]:
        a, b = (s.search(query, k=5, mode=mode) for s in both)
        assert [h.doc_id for h in a] == [h.doc_id for h in b]
        assert [h.score for h in a] == pytest.approx([h.score for h in b], abs=1e-4)


def test_the_manifest_travels_with_the_index(both: tuple[Searcher, Searcher]) -> None:
    local, milvus = both
    manifest: store.Manifest = milvus.manifest
    assert manifest.model == local.manifest.model
    assert manifest.counts == local.manifest.counts
    assert manifest.dense_index == "milvus_flat"
    assert manifest.settings["milvus_index"]["type"] == "FLAT"
    assert milvus.index.duplicates == local.index.duplicates
    assert milvus.index.replies == local.index.replies
    assert milvus.index.chunks == local.index.chunks


def test_both_engines_hand_out_the_same_term_presence(both: tuple[Searcher, Searcher]) -> None:
    (local_matrix, local_terms), (milvus_matrix, milvus_terms) = (
        s.index.keyword.term_presence() for s in both
    )
    assert local_matrix.shape == milvus_matrix.shape and local_matrix.shape[0] > 0
    as_sets = [
        {(row, terms[col]) for row, col in zip(*matrix.nonzero(), strict=True)}
        for matrix, terms in ((local_matrix, local_terms), (milvus_matrix, milvus_terms))
    ]
    assert as_sets[0] == as_sets[1]
