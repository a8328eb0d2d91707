"""Near-real-time feature agent: one generic agent per stream feature view.

Per entity it keeps a RollingWindow (fresco.features.aggregations) in a Faust
table whose changelog makes it durable; after each batch it writes the latest
value per entity to the online store and every emitted value to the
`feature_values` topic, from which the archiver builds the lake feature table.
"""

from __future__ import annotations

import logging

import faust
from prometheus_client import Counter, Gauge

from agents.context import AgentContext
from fresco.errors import DecodeError, FrescoError
from fresco.features.aggregations import RollingWindow
from fresco.features.definitions import FeatureView
from fresco.stores.online import OnlineRow
from fresco.timeutil import from_millis, to_millis, utcnow
from streams.avro import SingleObjectCodec, load
from streams.topics import FEATURE_VALUES, topic

log = logging.getLogger(__name__)

EVENTS = Counter("fresco_feature_events", "Source events processed", ["feature_view"])
UPDATES = Counter("fresco_feature_updates", "Feature values emitted", ["feature_view"])
FRESHNESS = Gauge("fresco_feature_last_event_time_seconds",
                  "Event time of the newest value written online", ["feature_view"])

# A batch is flushed when full or after this long, whichever comes first.
BATCH_WITHIN_S = 0.05


def register_feature_agent(app: faust.App, view: FeatureView, ctx: AgentContext):
    spec = topic(view.source_topic)
    codec = SingleObjectCodec(load(spec.value_schema))
    step_id = f"feature:{view.name}"
    source = app.topic(view.source_topic, key_type=bytes, value_type=bytes,
                       key_serializer="raw", value_serializer="raw",
                       partitions=ctx.config.topic_partitions)
    # Table key = the raw message key, and the producer partitions changelog
    # records by it, so a table partition always matches its source partition
    # even when a batch spans partitions.
    table = app.Table(
        f"{view.name}.state", default=None, partitions=ctx.config.topic_partitions,
        use_partitioner=True,
        schema=faust.Schema(key_type=bytes, value_type=None, key_serializer="raw",
                            value_serializer="json"),
    )

    def parse(event) -> tuple[str, int, float]:
        record = codec.decode(event.value)
        entity = record.get(view.entity_key)
        value = record.get(view.value_field)
        if not isinstance(entity, str) or not entity:
            raise FrescoError(f"{step_id}: field {view.entity_key!r} is {entity!r}, expected a non-empty string")
        if not isinstance(value, (int, float)):
            raise FrescoError(f"{step_id}: field {view.value_field!r} is {type(value).__name__}, expected a number")
        return entity, to_millis(record[spec.event_time_field]), float(value)

    async def process(events) -> None:
        windows: dict[bytes, RollingWindow] = {}
        entity_of: dict[bytes, str] = {}
        emitted = []
        ingest = utcnow()
        for event in events:
            message = event.message
            try:
                entity, ts, value = parse(event)
            except (DecodeError, FrescoError) as exc:
                ctx.dead_letter(step_id, message, exc)
                continue
            key = message.key
            window = windows.get(key)
            if window is None:
                window = RollingWindow(view.window_ms, pairs=table.get(key) or ())
                windows[key] = window
            entity_of[key] = entity
            window.add(ts, value)
            emitted.append({"feature_view": view.name, "entity_key": entity,
                            "value": window.value_at(ts, view.aggregation),
                            "event_time": from_millis(ts), "ingest_time": ingest})
        rows = []
        for key, window in windows.items():
            latest = window.latest_ms
            window.evict(latest)
            table[key] = window.to_pairs()
            rows.append(OnlineRow(entity_of[key], {"value": window.value_at(latest, view.aggregation)},
                                  latest))
        for record in emitted:
            ctx.producer.send(FEATURE_VALUES, record)
        if rows:
            await ctx.online.awrite(view.name, int(view.ttl.total_seconds()), rows)
            FRESHNESS.labels(view.name).set(max(r.event_time_ms for r in rows) / 1000)
        await ctx.flush()
        EVENTS.labels(view.name).inc(len(events))
        UPDATES.labels(view.name).inc(len(emitted))

    async def agent(stream):
        async for events in stream.take_events(ctx.config.agent_batch_size, within=BATCH_WITHIN_S):
            await process(events)

    return app.agent(source, name=step_id.replace(":", "-"))(agent)

