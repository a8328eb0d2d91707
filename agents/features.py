"""Near-real-time feature agent: one Faust agent per source topic, all its stream views.

Per entity it keeps each view's fold state (fresco.features.fold) in one Faust
table whose changelog makes it durable. After each batch it writes the newest
value per (view, entity) to the online store and every emitted value to the
`feature_values` topic, from which the archiver builds the lake feature tables.
Invalid and late records go to the dead-letter topic, named by view.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import faust
from prometheus_client import Counter, Gauge

from agents.context import AgentContext
from fresco.errors import DecodeError, FrescoError
from fresco.features.definitions import FeatureView
from fresco.stores.online import OnlineRow
from fresco.timeutil import from_millis, to_millis, utcnow
from streams.avro import SingleObjectCodec, load
from streams.topics import FEATURE_VALUES, topic

log = logging.getLogger(__name__)

EVENTS = Counter("fresco_feature_events", "Source records processed", ["topic"])
UPDATES = Counter("fresco_feature_updates", "Feature values emitted", ["feature_view"])
LATE = Counter("fresco_feature_late_events", "Records older than watermark minus allowed lateness",
               ["feature_view"])
FRESHNESS = Gauge("fresco_feature_last_event_time_seconds",
                  "Event time of the newest value written online", ["feature_view"])
NULLS = Counter("fresco_feature_null_values", "Emitted values that were null", ["feature_view"])
# Running moments of emitted values: mean = sum / (updates - nulls), variance from the
# squares; gauges because values may be negative.
VALUE_SUM = Gauge("fresco_feature_value_sum", "Sum of emitted non-null values", ["feature_view"])
VALUE_SQ_SUM = Gauge("fresco_feature_value_sq_sum", "Sum of squares of emitted non-null values", ["feature_view"])

# A batch is flushed when full or after this long, whichever comes first.
BATCH_WITHIN_S = 0.05


class LateRecord(FrescoError):
    """The record's event time is older than the view's watermark minus its allowed lateness."""


def _parse(view: FeatureView, record: dict) -> tuple[str, int, float]:
    entity = record.get(view.entity_key)
    value = record.get(view.value_field)
    if not isinstance(entity, str) or not entity:
        raise FrescoError(f"feature:{view.name}: field {view.entity_key!r} is {entity!r}, expected a non-empty string")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FrescoError(f"feature:{view.name}: field {view.value_field!r} is {type(value).__name__}, "
                          f"expected a number")
    return entity, to_millis(record[view.event_time_field]), float(value)


def register_source_agent(app: faust.App, source_topic: str, views: list[FeatureView], ctx: AgentContext):
    spec = topic(source_topic)
    codec = SingleObjectCodec(load(spec.value_schema))
    folds = {v.name: v.fold() for v in views}
    step_id = f"features:{source_topic}"
    source = app.topic(source_topic, key_type=bytes, value_type=bytes, key_serializer="raw",
                       value_serializer="raw", partitions=ctx.config.topic_partitions)
    # Table key = the raw message key, and the producer partitions changelog records
    # by it, so a table partition always matches its source partition even when a
    # batch spans partitions. Value: {view name: fold state}.
    table = app.Table(
        f"{source_topic}.feature-state", default=None, partitions=ctx.config.topic_partitions,
        use_partitioner=True,
        schema=faust.Schema(key_type=bytes, value_type=None, key_serializer="raw", value_serializer="json"),
    )

    async def process(events) -> None:
        states: dict[bytes, dict] = {}
        latest: dict[tuple[str, str], tuple[int, float | None]] = {}
        emitted = defaultdict(int)
        ingest = utcnow()
        for event in events:
            message = event.message
            try:
                record = codec.decode(event.value)
            except DecodeError as exc:
                ctx.dead_letter(step_id, message, exc)
                continue
            key = message.key
            if key not in states:
                states[key] = dict(table.get(key) or {})
            for view in views:
                try:
                    entity, ts, value = _parse(view, record)
                except FrescoError as exc:
                    ctx.dead_letter(f"feature:{view.name}", message, exc)
                    continue
                fold = folds[view.name]
                state = states[key].setdefault(view.name, fold.new_state())
                watermark = state["wm"]
                updates = fold.process(state, ts, value)
                if updates is None:
                    LATE.labels(view.name).inc()
                    ctx.dead_letter(f"feature:{view.name}", message, LateRecord(
                        f"event_time {from_millis(ts).isoformat()} is older than the watermark "
                        f"{from_millis(watermark).isoformat()} minus allowed lateness {view.allowed_lateness}"))
                    continue
                for update in updates:
                    ctx.producer.send(FEATURE_VALUES, {
                        "feature_view": view.name, "entity_key": entity, "value": update.value,
                        "event_time": from_millis(update.event_time_ms), "ingest_time": ingest})
                    # Online holds the newest window: a late re-emission of an older
                    # window goes to the lake but must not replace a newer value.
                    if update.event_time_ms >= state.get("online_ts", -1):
                        state["online_ts"] = update.event_time_ms
                        latest[(view.name, entity)] = (update.event_time_ms, update.value)
                    emitted[view.name] += 1
                    if update.value is None:
                        NULLS.labels(view.name).inc()
                    else:
                        VALUE_SUM.labels(view.name).inc(update.value)
                        VALUE_SQ_SUM.labels(view.name).inc(update.value * update.value)
        for key, state in states.items():
            table[key] = state
        await _write_online(ctx, views, latest)
        await ctx.flush()
        EVENTS.labels(source_topic).inc(len(events))
        for name, n in emitted.items():
            UPDATES.labels(name).inc(n)

    async def agent(stream):
        async for events in stream.take_events(ctx.config.agent_batch_size, within=BATCH_WITHIN_S):
            await process(events)

    return app.agent(source, name=step_id.replace(":", "-"))(agent)


async def _write_online(ctx: AgentContext, views: list[FeatureView], latest: dict) -> None:
    rows_by_view: dict[str, list[OnlineRow]] = defaultdict(list)
    for (name, entity), (ts, value) in latest.items():
        rows_by_view[name].append(OnlineRow(entity, {"value": value}, ts))
    for view in views:
        rows = rows_by_view.get(view.name)
        if rows and view.online:
            await ctx.online.awrite(view.name, int(view.ttl.total_seconds()), rows)
            FRESHNESS.labels(view.name).set(max(r.event_time_ms for r in rows) / 1000)
