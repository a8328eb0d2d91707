"""Declarative feature views: data that becomes a FeatureViewDefined event."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fresco.errors import FrescoError
from fresco.features.aggregations import AGGREGATIONS
from fresco.features.fold import FeatureFold
from fresco.features.windows import KINDS, WindowSpec

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# stream: Faust folds a topic; batch: Spark folds the archive; push: another
# service publishes finished FeatureValue records to `feature_values`.
ENGINES = ("stream", "batch", "push")


@dataclass(frozen=True)
class FeatureView:
    name: str  # canonical "entity.feature", also the id of its table, topic keys, lake folder
    entity: str
    entity_key: str
    source_topic: str
    value_field: str
    aggregation: str
    window: timedelta
    engine: str
    ttl: timedelta = timedelta(days=2)
    owner: str = "fresco"
    description: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    online: bool = True
    offline: bool = True
    window_kind: str = "sliding"  # sliding, tumbling, hopping, lifetime
    step: timedelta = timedelta(0)  # hopping windows only
    allowed_lateness: timedelta = timedelta(0)
    event_time_field: str = "event_time"

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise FrescoError(f"feature view name {self.name!r} must look like entity.feature_name")
        if not self.name.startswith(self.entity + "."):
            raise FrescoError(f"feature view {self.name}: name must start with its entity {self.entity!r}")
        if self.aggregation not in AGGREGATIONS:
            raise FrescoError(f"feature view {self.name}: unknown aggregation {self.aggregation!r}")
        if self.engine not in ENGINES:
            raise FrescoError(f"feature view {self.name}: engine must be one of {ENGINES}, got {self.engine!r}")
        if self.engine == "push" and self.source_topic != "feature_values":
            raise FrescoError(f"feature view {self.name}: push views are published to 'feature_values', "
                              f"not {self.source_topic!r}")
        if self.window_kind not in KINDS:
            raise FrescoError(f"feature view {self.name}: window kind must be one of {KINDS}, got {self.window_kind!r}")
        if self.window_kind != "lifetime" and self.window <= timedelta(0):
            raise FrescoError(f"feature view {self.name}: window must be positive")
        try:
            _ = self.window_spec  # validates size and step together
        except FrescoError as exc:
            raise FrescoError(f"feature view {self.name}: {exc}") from None

    @property
    def window_ms(self) -> int:
        return int(self.window.total_seconds() * 1000)

    @property
    def window_spec(self) -> WindowSpec:
        return WindowSpec(self.window_kind, self.window_ms if self.window_kind != "lifetime" else 0,
                          int(self.step.total_seconds() * 1000))

    def fold(self) -> FeatureFold:
        """The stateful computation both engines run for this view."""
        return FeatureFold(self.aggregation, self.window_spec, int(self.allowed_lateness.total_seconds() * 1000))

    def to_payload(self) -> dict[str, Any]:
        return {
            "name": self.name, "entity": self.entity, "entity_key": self.entity_key,
            "source_topic": self.source_topic, "value_field": self.value_field,
            "aggregation": self.aggregation, "window_s": int(self.window.total_seconds()),
            "engine": self.engine, "ttl_s": int(self.ttl.total_seconds()), "owner": self.owner,
            "description": self.description, "tags": list(self.tags), "online": self.online,
            "offline": self.offline, "window_kind": self.window_kind,
            "step_s": int(self.step.total_seconds()),
            "allowed_lateness_s": int(self.allowed_lateness.total_seconds()),
            "event_time_field": self.event_time_field,
        }

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> "FeatureView":
        return cls(
            name=p["name"], entity=p["entity"], entity_key=p["entity_key"],
            source_topic=p["source_topic"], value_field=p["value_field"],
            aggregation=p["aggregation"], window=timedelta(seconds=p["window_s"]),
            engine=p["engine"], ttl=timedelta(seconds=p["ttl_s"]), owner=p["owner"],
            description=p["description"], tags=tuple(p["tags"]), online=p["online"],
            offline=p["offline"], window_kind=p.get("window_kind", "sliding"),
            step=timedelta(seconds=p.get("step_s", 0)),
            allowed_lateness=timedelta(seconds=p.get("allowed_lateness_s", 0)),
            event_time_field=p.get("event_time_field", "event_time"),
        )


PREP_TIME_MEAN_1H = FeatureView(
    name="restaurant.prep_time_mean_1h", entity="restaurant", entity_key="restaurant_id",
    source_topic="prep_completed", value_field="prep_time_s", aggregation="mean",
    window=timedelta(hours=1), engine="stream", ttl=timedelta(hours=6),
    allowed_lateness=timedelta(minutes=10),
    description="Mean food prep time at the restaurant over the last hour of event time",
    tags=("etd", "near-real-time"),
)
PREP_TIME_MEAN_7D = FeatureView(
    name="restaurant.prep_time_mean_7d", entity="restaurant", entity_key="restaurant_id",
    source_topic="prep_completed", value_field="prep_time_s", aggregation="mean",
    window=timedelta(days=7), window_kind="hopping", step=timedelta(days=1), engine="batch",
    ttl=timedelta(days=3),
    description="Mean food prep time at the restaurant over the 7 days before each UTC midnight",
    tags=("etd", "batch"),
)
DEMO_FEATURE_VIEWS = (PREP_TIME_MEAN_1H, PREP_TIME_MEAN_7D)
