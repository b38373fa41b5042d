"""The fine-tuning experiment's helpers: the (clause, context) pairs and the row layout.

No model is loaded or trained here (that takes minutes); ``python -m bench.measures_ft_cv``
runs the experiment itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from bench.measures_ft_cv import clause_pairs, flat, padded, per_item
from bench.measures_train import TrainItem
from index.clauses import split_clauses

TEXT = "经查，该路段已于2023年5月完成改造。下一步，我局将加强巡查；对违规停车依法查处。"


def test_pair_is_the_clause_and_the_text_around_it_with_its_punctuation() -> None:
    clauses = split_clauses(TEXT)
    pairs = clause_pairs(TEXT, clauses, 1, 1)
    assert pairs[3] == ("我局将加强巡查", "下一步，我局将加强巡查；对违规停车依法查处")
    # the context crosses a sentence end, so a lead-in (下一步) is seen before its measure
    assert pairs[2] == ("下一步", "该路段已于2023年5月完成改造。下一步，我局将加强巡查")


def test_context_stops_at_the_ends_of_the_text() -> None:
    clauses = split_clauses(TEXT)
    assert clause_pairs(TEXT, clauses, 1, 1)[0] == ("经查", "经查，该路段已于2023年5月完成改造")
    assert clause_pairs(TEXT, clauses, 2, 0)[-1] == (
        "对违规停车依法查处",
        "下一步，我局将加强巡查；对违规停车依法查处",
    )


def test_rows_round_trip_between_clause_order_and_items() -> None:
    items = [
        TrainItem(f"i{n}", "dev", "message", t, split_clauses(t), ())
        for n, t in enumerate([TEXT, "您好，现回复如下。"])
    ]
    rows = np.random.default_rng(0).dirichlet(np.ones(3), size=7)
    probs = per_item(items, rows)
    assert [len(p) for p in probs] == [5, 2]
    assert set(probs[1][0]) == {"H", "C", "O"}
    assert flat(probs) == pytest.approx(rows)


def test_padded_masks_only_the_padding() -> None:
    torch = pytest.importorskip("torch")
    x, mask = padded([torch.ones(3, 2), torch.ones(1, 2)])
    assert x.shape == (2, 3, 2)
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert x[1, 1:].abs().sum().item() == 0
