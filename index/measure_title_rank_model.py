"""The learned weights of the title chooser, read from JSON and applied with plain code.

One linear model scores each title candidate of a measure, trained to rank higher the
candidate closer in character-F1 to a labeller's title. ``python -m bench.title_rank_train``
writes it to ``index/data/title_rank.json`` (no pickle, no scikit-learn at run time), as
the measure model is written (:mod:`index.measure_model`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

TITLE_RANK_PATH = Path(__file__).resolve().parent / "data" / "title_rank.json"
FORMAT = "xianli-title-rank"
VERSION = 1
_RETRAIN = "run `python -m bench.title_rank_train` to write it again"


@dataclass(frozen=True)
class TitleRankModel:
    """A weight per feature and an intercept; unknown features count for nothing."""

    intercept: float
    weights: Mapping[str, float]
    meta: Mapping[str, Any]

    def score(self, features: Mapping[str, float]) -> float:
        """The ranking score of a candidate with these ``features`` (higher is better)."""
        total = self.intercept
        for name, value in features.items():
            total += self.weights.get(name, 0.0) * value
        return total

    def to_dict(self) -> dict[str, Any]:
        """The JSON document written to ``index/data/title_rank.json`` (5 decimals)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "meta": dict(self.meta),
            "intercept": round(self.intercept, 5),
            "weights": {k: round(w, 5) for k, w in sorted(self.weights.items())},
        }


def read_title_rank(path: Path) -> TitleRankModel:
    """Read and check a title-rank file; errors say what to do."""
    if not path.is_file():
        raise FileNotFoundError(f"title-rank model {path} is missing; {_RETRAIN}")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc}); {_RETRAIN}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file; {_RETRAIN}")
    if data.get("version") != VERSION:
        raise ValueError(
            f"{path}: version {data.get('version')} but this code reads {VERSION}; {_RETRAIN}"
        )
    try:
        intercept = float(data["intercept"])
        weights = {str(k): float(w) for k, w in data["weights"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path}: malformed weights ({exc!r}); {_RETRAIN}") from exc
    meta = data.get("meta", {})
    return TitleRankModel(intercept, weights, meta if isinstance(meta, dict) else {})


@lru_cache(maxsize=1)
def default_title_rank() -> TitleRankModel:
    """The shipped model, read once per process."""
    return read_title_rank(TITLE_RANK_PATH)
