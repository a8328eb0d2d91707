"""Push source: other services publish finished feature values; Fresco serves them.

Records on `feature_values` whose view is registered with engine "push" are
written to the online store (newest event time per entity in a batch); the
archiver already lands every `feature_values` record in the view's lake table.
Values of views Fresco computes itself are ignored here.
"""

from __future__ import annotations

import faust
from prometheus_client import Counter

from agents.context import AgentContext
from fresco.errors import DecodeError, FrescoError
from fresco.features.definitions import FeatureView
from fresco.stores.online import OnlineRow
from fresco.timeutil import to_millis
from streams.avro import SingleObjectCodec, load
from streams.topics import FEATURE_VALUES

STEP_ID = "push:feature_values"
PUSHED = Counter("fresco_feature_pushed", "Pushed feature values written online", ["feature_view"])


def register_push_agent(app: faust.App, views: list[FeatureView], ctx: AgentContext):
    by_name = {v.name: v for v in views}
    codec = SingleObjectCodec(load(FEATURE_VALUES.value_schema))
    source = app.topic(FEATURE_VALUES.name, key_type=bytes, value_type=bytes, key_serializer="raw",
                       value_serializer="raw", partitions=ctx.config.topic_partitions)

    async def agent(stream):
        async for events in stream.take_events(ctx.config.agent_batch_size, within=0.05):
            newest: dict[tuple[str, str], tuple[int, float | None]] = {}
            for event in events:
                try:
                    rec = codec.decode(event.value)
                except DecodeError as exc:
                    ctx.dead_letter(STEP_ID, event.message, exc)
                    continue
                view = by_name.get(rec["feature_view"])
                if view is None:
                    continue  # a view Fresco computes, or one nobody registered for push
                if not rec["entity_key"]:
                    ctx.dead_letter(STEP_ID, event.message, FrescoError(
                        f"{STEP_ID}: feature value for {view.name} has an empty entity_key"))
                    continue
                ts = to_millis(rec["event_time"])
                key = (view.name, rec["entity_key"])
                if key not in newest or ts >= newest[key][0]:
                    newest[key] = (ts, rec["value"])
            for view in views:
                rows = [OnlineRow(entity, {"value": value}, ts)
                        for (name, entity), (ts, value) in newest.items() if name == view.name]
                if rows and view.online:
                    await ctx.online.awrite(view.name, int(view.ttl.total_seconds()), rows)
                    PUSHED.labels(view.name).inc(len(rows))
            await ctx.flush()

    return app.agent(source, name="push-feature_values")(agent)
