"""Every topic Fresco uses: name, key and value schema, partitioning, retention.

Topic names are stable ids: consumers, Faust changelogs and lake folders derive
from them. ``event_time_field`` names the value field that carries event time.
"""

from __future__ import annotations

from dataclasses import dataclass

from fresco.errors import FrescoError


@dataclass(frozen=True)
class TopicSpec:
    name: str
    value_schema: str
    key_schema: str = "keys/string_key"
    key_field: str | None = None  # value field that is also the message key
    event_time_field: str = "event_time"
    partitions: int | None = None  # None = the configured default
    compacted: bool = False
    doc: str = ""


ORDERS = TopicSpec("orders", "events/order_placed", key_field="order_id",
                   doc="orders as placed; key order_id")
PREP_COMPLETED = TopicSpec("prep_completed", "events/prep_completed", key_field="restaurant_id",
                           doc="food ready at the restaurant; key restaurant_id")
DELIVERIES = TopicSpec("deliveries", "events/delivery_completed", key_field="order_id",
                       doc="delivery outcomes (ETD ground truth); key order_id")
PREDICTIONS = TopicSpec("predictions", "predictions/prediction_logged", key_field="request_id",
                        doc="every online prediction; key request_id (order_id), co-partitioned with deliveries")
FEATURE_VALUES = TopicSpec("feature_values", "features/feature_value", key_field="entity_key",
                           doc="every feature value written online; archived to the lake feature tables")
PLATFORM_EVENTS = TopicSpec("platform.events", "platform/platform_event", key_field="subject",
                            partitions=1, doc="the platform log; one partition for a total order")
DEAD_LETTER = TopicSpec("fresco.deadletter", "events/dead_letter", key_field="source_topic",
                        doc="records a step could not process, with reason and original bytes")

ALL_TOPICS: tuple[TopicSpec, ...] = (
    ORDERS, PREP_COMPLETED, DELIVERIES, PREDICTIONS, FEATURE_VALUES, PLATFORM_EVENTS, DEAD_LETTER,
)
_BY_NAME = {t.name: t for t in ALL_TOPICS}


def topic(name: str) -> TopicSpec:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise FrescoError(f"unknown topic {name!r}; known: {', '.join(sorted(_BY_NAME))}") from None
