"""A model config and the one function that turns a request into its feature vector.

Training (Spark, via mapInPandas) and serving both call ``assemble``: the
vector a model sees is built by the same code in both places.

Input sources, in the config's ``inputs`` list (ordered):
  request:FIELD           a numeric field of the request / label row
  time:hour_of_day        UTC hour of the request's event_time (0-23)
  time:day_of_week        UTC weekday of the request's event_time (0=Monday)
  feature:VIEW            the online/offline value of feature view VIEW
                          for the request's entity key
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from fresco.errors import FrescoError
from fresco.timeutil import require_utc

_TIME_PARTS = {
    "hour_of_day": lambda t: float(t.hour),
    "day_of_week": lambda t: float(t.weekday()),
}


@dataclass(frozen=True)
class ModelConfig:
    name: str
    inputs: tuple[str, ...]
    entity_key: str = "restaurant_id"
    label: str = "delivery_time_s"
    algorithm: str = "xgboost"
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for spec in self.inputs:
            kind, _, arg = spec.partition(":")
            if kind not in ("request", "time", "feature") or not arg:
                raise FrescoError(f"model {self.name}: input {spec!r} must be request:F, time:PART or feature:VIEW")
            if kind == "time" and arg not in _TIME_PARTS:
                raise FrescoError(f"model {self.name}: unknown time part {arg!r}; known: {', '.join(_TIME_PARTS)}")

    @property
    def feature_views(self) -> list[str]:
        return [s.split(":", 1)[1] for s in self.inputs if s.startswith("feature:")]

    @property
    def request_fields(self) -> list[str]:
        return [s.split(":", 1)[1] for s in self.inputs if s.startswith("request:")]

    @property
    def feature_names(self) -> list[str]:
        return [s.split(":", 1)[1] for s in self.inputs]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "inputs": list(self.inputs), "entity_key": self.entity_key,
                "label": self.label, "algorithm": self.algorithm, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ModelConfig":
        return cls(d["name"], tuple(d["inputs"]), d["entity_key"], d["label"], d["algorithm"],
                   dict(d["params"]))


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def assemble(config: ModelConfig, request: Mapping[str, Any], event_time: datetime,
             features: Mapping[str, float | None]) -> list[float]:
    """The feature vector, in config order; missing values are NaN (xgboost's 'missing')."""
    when = require_utc(event_time, "event_time")
    vector = []
    for spec in config.inputs:
        kind, _, arg = spec.partition(":")
        if kind == "request":
            vector.append(_num(request.get(arg)))
        elif kind == "time":
            vector.append(_TIME_PARTS[arg](when))
        else:
            vector.append(_num(features.get(arg)))
    return vector


ETD_PARAMS = {"max_depth": 4, "eta": 0.05, "subsample": 0.8, "colsample_bytree": 0.9,
              "min_child_weight": 10, "objective": "reg:squarederror", "num_boost_round": 300,
              "nthread": 2, "seed": 7}

ETD = ModelConfig(
    name="etd",
    inputs=("request:distance_km", "time:hour_of_day", "time:day_of_week",
            "feature:restaurant.prep_time_mean_1h", "feature:restaurant.prep_time_mean_7d"),
    params=ETD_PARAMS,
)
ETD_WITHOUT_1H = ModelConfig(
    name="etd_no_1h",
    inputs=("request:distance_km", "time:hour_of_day", "time:day_of_week",
            "feature:restaurant.prep_time_mean_7d"),
    params=ETD_PARAMS,
)
