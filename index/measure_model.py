"""The learned weights of the measure extractor, read from JSON and applied with plain code.

Two multinomial logistic-regression models, trained on the dev split of the labelled
sample by ``python -m bench.measures_train`` and stored in ``index/data/measure_model.json``
(no pickle, no scikit-learn at run time):

- ``clause``: is a clause the head of a measure (``H``), a continuation of one (``C``:
  its lead-in, a figure, a purpose clause) or neither (``O``)?
- ``stage``: ``done`` / ``planned`` / ``ongoing`` of a measure.

``thresholds`` holds the decision values chosen with the weights (see the training script).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).resolve().parent / "data" / "measure_model.json"
FORMAT = "xianli-measure-model"
VERSION = 1
_RETRAIN = "run `python -m bench.measures_train` to write it again"


@dataclass(frozen=True)
class LinearModel:
    """One multinomial logistic regression: a weight per feature and class, and a bias."""

    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """Softmax of the class scores for ``features`` (unknown features count for nothing)."""
        scores = list(self.intercept)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for k, w in enumerate(row):
                    scores[k] += w * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (weights rounded to 5 decimals to keep the file small)."""
        return {
            "classes": list(self.classes),
            "intercept": [round(b, 5) for b in self.intercept],
            "weights": {k: [round(w, 5) for w in row] for k, row in sorted(self.weights.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> LinearModel:
        """Inverse of :meth:`to_dict`, checking shapes."""
        try:
            classes = tuple(str(c) for c in data["classes"])
            intercept = tuple(float(b) for b in data["intercept"])
            weights = {str(k): tuple(float(w) for w in row) for k, row in data["weights"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{where}: malformed model ({exc!r}); {_RETRAIN}") from exc
        n = len(classes)
        if len(intercept) != n or any(len(row) != n for row in weights.values()):
            raise ValueError(f"{where}: weight rows must have {n} values each; {_RETRAIN}")
        return cls(classes, intercept, weights)


@dataclass(frozen=True)
class MeasureModel:
    """Both models and the thresholds that go with them."""

    clause: LinearModel
    stage: LinearModel
    thresholds: Mapping[str, float]
    meta: Mapping[str, Any]

    def threshold(self, name: str) -> float:
        """A decision threshold by name; a KeyError names the file to rewrite."""
        if name not in self.thresholds:
            raise KeyError(f"threshold {name!r} missing from the measure model; {_RETRAIN}")
        return self.thresholds[name]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document written to ``index/data/measure_model.json``."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "meta": dict(self.meta),
            "thresholds": dict(self.thresholds),
            "clause": self.clause.to_dict(),
            "stage": self.stage.to_dict(),
        }


def read_measure_model(path: Path) -> MeasureModel:
    """Read and check a model file; errors say what to do."""
    if not path.is_file():
        raise FileNotFoundError(f"measure model {path} is missing; {_RETRAIN}")
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
    return MeasureModel(
        clause=LinearModel.from_dict(data.get("clause", {}), f"{path} clause"),
        stage=LinearModel.from_dict(data.get("stage", {}), f"{path} stage"),
        thresholds={str(k): float(v) for k, v in data.get("thresholds", {}).items()},
        meta=data.get("meta", {}),
    )


@lru_cache(maxsize=1)
def default_model() -> MeasureModel:
    """The shipped model, read once per process."""
    return read_measure_model(MODEL_PATH)
