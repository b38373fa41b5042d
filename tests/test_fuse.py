from __future__ import annotations

import pytest

from search.fuse import rrf, rrf_ceiling

K = 30


def test_rrf_rewards_agreement_between_lists() -> None:
    fused = rrf([[1, 2, 3], [3, 2, 4]], k=K)
    ids = [i for i, _ in fused]
    assert ids[0] == 2 or ids[0] == 3
    assert set(ids) == {1, 2, 3, 4}
    assert dict(fused)[2] == pytest.approx(1 / (K + 2) * 2)


def test_rrf_weights_shift_the_order() -> None:
    assert rrf([[1], [2]], [1.0, 3.0], k=K)[0][0] == 2
    assert rrf([[1], [2]], [3.0, 1.0], k=K)[0][0] == 1


def test_rrf_rejects_mismatched_weights() -> None:
    with pytest.raises(ValueError, match="weights"):
        rrf([[1], [2]], [1.0], k=K)


def test_ceiling_is_the_score_of_an_item_first_everywhere() -> None:
    fused = rrf([[7, 1], [7, 2]], [1.0, 2.0], k=K)
    assert fused[0] == (7, pytest.approx(rrf_ceiling([1.0, 2.0], k=K)))
