"""FaissDense: the index kind follows the size, is read back from disk, and filters hold."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from index import store
from index.build import BuildOptions, build_index
from index.dense import FaissDense, choose_kind, default_nprobe, ivf_lists
from tests.conftest import BUNDLED_CORPUS
from tests.fakes import FakeEmbedder


def clustered(count: int, dimension: int = 32, centres: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors in clusters, as passage embeddings come."""
    rng = np.random.default_rng(seed)
    middles = rng.standard_normal((centres, dimension))
    rows = middles[rng.integers(0, centres, count)] + 0.3 * rng.standard_normal((count, dimension))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :k]


def test_the_kind_follows_size_and_memory() -> None:
    assert choose_kind(49_999, 384) == "flat_ip"
    assert choose_kind(50_000, 384) == "ivf_flat"
    assert choose_kind(1_000_000, 384) == "ivf_sq8", "1.5 GB of floats is over the budget"
    assert choose_kind(100, 8, threshold=10, float_budget=100 * 8 * 4) == "ivf_flat"
    assert choose_kind(100, 8, threshold=10, float_budget=100 * 8 * 4 - 1) == "ivf_sq8"


def test_list_count_grows_with_the_root_and_never_starves_training() -> None:
    assert ivf_lists(1_000_000) == 2048
    assert ivf_lists(100_000) == 512
    assert ivf_lists(1_000) * 39 <= 1_000, "k-means needs 39 points per list"
    assert ivf_lists(10) == 1
    assert default_nprobe(2048) == 128 and default_nprobe(512) == 32 and default_nprobe(4) == 4


def test_small_index_is_exact() -> None:
    vectors = clustered(500)
    dense = FaissDense.build(vectors)
    _, ids = dense.search(vectors[:5], 10)
    assert dense.kind == "flat_ip"
    assert (ids == exact_top(vectors, vectors[:5], 10)).all()


@pytest.mark.parametrize(("budget", "kind"), [(1 << 30, "ivf_flat"), (1, "ivf_sq8")])
def test_above_the_threshold_an_ivf_finds_the_exact_neighbours(budget: int, kind: str) -> None:
    vectors = clustered(4_000)
    queries = clustered(50, seed=1)
    dense = FaissDense.build(vectors, threshold=1_000, float_budget=budget)
    _, ids = dense.search(queries, 10)
    truth = exact_top(vectors, queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth, strict=True)])
    assert dense.kind == kind and dense.ivf is not None and dense.ivf.nlist > 1
    assert recall >= 0.9


@pytest.mark.parametrize("budget", [1 << 30, 1])
def test_stored_vectors_come_back_in_the_order_asked(budget: int) -> None:
    vectors = clustered(4_000)
    for dense in (
        FaissDense.build(vectors),
        FaissDense.build(vectors, threshold=1_000, float_budget=budget),
    ):
        got = dense.vectors(np.array([17, 3, 3_999]))
        assert got.shape == (3, vectors.shape[1])
        # exact for a flat index and an IVF of floats; SQ8 decodes to within a rounding
        assert np.abs(got - vectors[[17, 3, 3_999]]).max() < 0.01


@pytest.mark.parametrize("budget", [1 << 30, 1])
def test_an_ivf_is_saved_and_loaded_back_as_the_same_kind(tmp_path: Path, budget: int) -> None:
    vectors = clustered(3_000)
    dense = FaissDense.build(vectors, threshold=1_000, float_budget=budget)
    dense.save(tmp_path / "dense.faiss")
    loaded = FaissDense.load(tmp_path / "dense.faiss")
    assert (loaded.kind, loaded.nprobe, len(loaded)) == (dense.kind, dense.nprobe, 3_000)
    assert (loaded.search(vectors[:3], 5)[1] == dense.search(vectors[:3], 5)[1]).all()


@pytest.mark.parametrize("budget", [1 << 30, 1])
def test_a_narrow_filter_still_returns_every_allowed_passage(budget: int) -> None:
    vectors = clustered(4_000)
    dense = FaissDense.build(vectors, threshold=1_000, float_budget=budget)
    allowed = np.array([7, 901, 1_500, 2_222, 3_999], dtype=np.int64)
    scores, ids = dense.search(vectors[:2], 10, allowed)
    assert all(set(row[row >= 0].tolist()) == set(allowed.tolist()) for row in ids)
    assert (np.diff(scores[0][ids[0] >= 0]) <= 1e-6).all(), "best first"


def test_a_wide_filter_keeps_to_the_allowed_passages_and_finds_their_best() -> None:
    vectors = clustered(4_000)
    dense = FaissDense.build(vectors, threshold=1_000)
    allowed = np.arange(0, 4_000, 2, dtype=np.int64)
    queries = vectors[1:40:2]  # odd rows: themselves filtered out
    _, ids = dense.search(queries, 10, allowed)
    truth = allowed[exact_top(vectors[allowed], queries, 10)]
    assert set(ids.ravel().tolist()) <= set(allowed.tolist())
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth, strict=True)])
    assert recall >= 0.9


def test_an_hnsw_index_from_an_earlier_version_still_loads_and_filters(tmp_path: Path) -> None:
    vectors = clustered(800)
    index = faiss.IndexHNSWFlat(vectors.shape[1], 16, faiss.METRIC_INNER_PRODUCT)
    index.add(vectors)
    faiss.write_index(index, str(tmp_path / "dense.faiss"))
    dense = FaissDense.load(tmp_path / "dense.faiss")
    _, ids = dense.search(vectors[:1], 3, np.array([5, 6, 7]))
    assert dense.kind == "hnsw" and set(ids[0].tolist()) == {5, 6, 7}


def test_an_unsupported_faiss_index_names_the_fix() -> None:
    with pytest.raises(ValueError, match="rebuild the index"):
        FaissDense(faiss.IndexLSH(8, 16))


def test_the_build_records_the_kind_and_loading_restores_it(tmp_path: Path) -> None:
    options = BuildOptions(dense_threshold=10)
    build_index([BUNDLED_CORPUS], tmp_path / "idx", embedder=FakeEmbedder(), options=options)
    loaded = store.open_index(tmp_path / "idx")
    assert loaded.manifest.dense_index == "ivf_flat" == loaded.dense.kind
    assert loaded.manifest.settings["dense_threshold"] == 10
    _, ids = loaded.dense.search(loaded.vectors[:1], 1)
    assert ids[0][0] == 0
