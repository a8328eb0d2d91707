"""A model config: its inputs are a feature-DSL program, plus label and training params.

Training compiles the DSL to Spark Columns, serving to a Python function; both
use the config saved in the artifact, including the statistics frozen at
training, so the vector a model sees is the same in both places.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Callable, Mapping

from fresco.dsl.checker import Program
from fresco.dsl.config import DslConfig


@dataclass(frozen=True)
class ModelConfig:
    name: str
    dsl: DslConfig
    entity_key: str = "restaurant_id"
    label: str = "delivery_time_s"
    algorithm: str = "xgboost"
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _ = self.program  # type-check and resolve names now, not at request time

    @cached_property
    def program(self) -> Program:
        return self.dsl.check()

    @property
    def feature_views(self) -> list[str]:
        return list(self.program.features)

    @property
    def feature_names(self) -> list[str]:
        return [name for name, _ in self.dsl.expressions]

    @property
    def request_fields(self) -> dict[str, str]:
        return dict(self.dsl.request)

    def vectorizer(self) -> Callable[[dict, dict], list]:
        """The serving form: vector(request, features) with the frozen statistics."""
        return self.dsl.python()

    def with_stats(self, stats: dict[str, dict[str, float]]) -> "ModelConfig":
        dsl = DslConfig(dict(self.dsl.request), list(self.dsl.expressions), dict(stats))
        return replace(self, dsl=dsl)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "dsl": self.dsl.to_dict(), "entity_key": self.entity_key,
                "label": self.label, "algorithm": self.algorithm, "params": dict(self.params),
                "custom_functions": dict(self.program.custom)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ModelConfig":
        return cls(d["name"], DslConfig.from_dict(d["dsl"]), d["entity_key"], d["label"], d["algorithm"],
                   dict(d["params"]))


ETD_PARAMS = {"max_depth": 4, "eta": 0.05, "subsample": 0.8, "colsample_bytree": 0.9,
              "min_child_weight": 10, "objective": "reg:squarederror", "num_boost_round": 300,
              "nthread": 2, "seed": 7}

ETD_REQUEST = {"distance_km": "number", "event_time": "timestamp"}
_ETD_COMMON = [
    ("hour", "hour_of_day(@request.event_time, 'UTC')"),
    ("weekday", "day_of_week(@request.event_time, 'UTC')"),
    ("distance_km", "@request.distance_km"),
    ("distance_bucket", "bucketize(@request.distance_km, [1, 2, 4, 6])"),
    ("prep_7d", "@feature.restaurant.prep_time_mean_7d"),
]
ETD = ModelConfig("etd", DslConfig(ETD_REQUEST, [
    *_ETD_COMMON,
    ("prep_1h", "@feature.restaurant.prep_time_mean_1h"),
    ("prep_1h_z", "normalize(fill(prep_1h, prep_7d))"),
    ("busy_ratio", "clip(fill(prep_1h, prep_7d) / prep_7d, 0, 5)"),
]), params=ETD_PARAMS)
ETD_WITHOUT_1H = ModelConfig("etd_no_1h", DslConfig(ETD_REQUEST, list(_ETD_COMMON)), params=ETD_PARAMS)
