"""bench.scale at ~2,000 passages: the synthetic index, its searcher and the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench import scale, scale_data, scale_measure
from tests.fakes import FakeEmbedder


def test_plan_copies_whole_records_and_cuts_at_the_passage_count(fake_index: Path) -> None:
    source = scale_data.load_source(fake_index, tokenize=False)
    plan = scale_data.make_plan(source, 333, np.random.default_rng(0))
    assert len(plan.passage_source) == 333 == len(plan.passage_record)
    first = source.record_passages[plan.record_source[0]]
    assert plan.passage_source[: len(first)].tolist() == first.tolist()
    assert plan.passage_record.max() == len(plan.record_source) - 1


def test_noise_puts_copies_as_close_as_real_neighbours(fake_index: Path) -> None:
    rng = np.random.default_rng(0)
    real = scale_data.load_source(fake_index, tokenize=False).index.vectors
    basis = scale_data.noise_basis(real)
    target = scale_data.neighbour_cosine(real)
    noise = scale_data.calibrate_noise(real, basis, target, rng)
    copies = scale_data.synthetic_vectors(real, np.arange(len(real)), basis, noise, rng)
    assert np.allclose(np.linalg.norm(copies, axis=1), 1.0, atol=1e-5)
    assert abs(float(np.median(np.sum(copies * real, axis=1))) - target) < 0.05


def test_the_benchmark_runs_small_and_reports_every_figure(
    fake_index: Path, tmp_path: Path
) -> None:
    config = scale.ScaleConfig(
        fake_index, tmp_path, passages=2_000, queries=50, dense_threshold=500
    )
    report = scale.run(config, FakeEmbedder(), text_queries=12, isolate=False)
    build, search = report["build"], report["search"]
    assert build["passages"] == 2_000 and build["dense_index"] == "ivf_flat"
    assert search["dense_recall_at_10"] >= 0.9
    assert set(search["searcher_ms"]) == {"dense", "keyword", "hybrid"}
    assert search["searcher_ms"]["hybrid"]["n"] == 12 == report["query_encoding_ms"]["n"]
    assert search["peak_rss_mb"] > 0 and (tmp_path / "report.json").is_file()


def test_a_source_built_by_another_model_is_refused(fake_index: Path, tmp_path: Path) -> None:
    config = scale.ScaleConfig(fake_index, tmp_path, passages=100, queries=5)
    with pytest.raises(ValueError, match="built by"):
        scale.run(config, FakeEmbedder(dimension=32), text_queries=3, isolate=False)


def test_the_lookup_embedder_refuses_a_query_it_has_not_seen() -> None:
    like = {"name": "m", "fingerprint": "f", "dimension": 2, "precision": "float32"}
    embedder = scale_measure.LookupEmbedder({"a": np.ones(2, dtype=np.float32)}, like)
    assert embedder.encode_queries(["a"]).shape == (1, 2)
    with pytest.raises(KeyError, match="not encoded"):
        embedder.encode_queries(["b"])
