"""Live model accuracy: join logged predictions with delivery outcomes by order id.

Both topics are keyed by the Avro-encoded order id and co-partitioned, so each
worker joins its own partitions. Per model and partition it keeps mergeable
sufficient statistics (fresco.metrics.RegressionState) in a Faust table and
exports RMSE, MAE, R² and RMSLE as Prometheus gauges; an AccuracyWatch raises
an AlertRaised platform event when live RMSE degrades past its policy.
"""

from __future__ import annotations

import asyncio

import faust
from prometheus_client import Counter, Gauge

from agents.alerts import AccuracyWatch
from agents.context import AgentContext
from fresco.errors import DecodeError
from fresco.metrics import RegressionState
from streams.avro import SingleObjectCodec, load
from streams.topics import DELIVERIES, PREDICTIONS

STEP_ID = "monitor:etd"
JOINED = Counter("fresco_monitor_joined", "Prediction/outcome pairs joined", ["model_uuid"])
LIVE = Gauge("fresco_live_metric", "Live accuracy of a model on joined outcomes",
             ["model_name", "model_uuid", "metric"])
LIVE_N = Gauge("fresco_live_pairs", "Joined pairs behind the live metrics", ["model_name", "model_uuid"])


def register_monitor_agent(app: faust.App, ctx: AgentContext, watch: AccuracyWatch | None = None,
                           label_field: str = "delivery_time_s"):
    codecs = {
        PREDICTIONS.name: SingleObjectCodec(load(PREDICTIONS.value_schema)),
        DELIVERIES.name: SingleObjectCodec(load(DELIVERIES.value_schema)),
    }
    partitions = ctx.config.topic_partitions
    source = app.topic(PREDICTIONS.name, DELIVERIES.name, key_type=bytes, value_type=bytes,
                       key_serializer="raw", value_serializer="raw", partitions=partitions)
    raw = faust.Schema(key_type=bytes, value_type=None, key_serializer="raw", value_serializer="json")
    pending = app.Table("monitor.pending", default=None, partitions=partitions, schema=raw)
    stats = app.Table("monitor.stats", default=None, partitions=partitions,
                      schema=faust.Schema(key_type=str, value_type=None, key_serializer="raw",
                                          value_serializer="json"))

    def merged(model_uuid: str) -> RegressionState:
        state = RegressionState()
        for key, value in stats.items():
            if key.startswith(model_uuid + "|"):
                state = state.merge(RegressionState.from_dict(value["state"]))
        return state

    def publish(model_name: str, model_uuid: str, live: RegressionState) -> None:
        for metric, value in live.summary().items():
            if metric != "n":
                LIVE.labels(model_name, model_uuid, metric).set(value)
        LIVE_N.labels(model_name, model_uuid).set(live.n)

    def complete(side: dict, partition: int) -> RegressionState:
        """Fold one joined pair in; returns the model's live state over this worker's partitions."""
        key = f"{side['m']}|{partition}"
        entry = stats.get(key) or {"name": side["name"], "state": None}
        state = RegressionState.from_dict(entry["state"])
        state.update(side["y"], side["p"])
        stats[key] = {"name": side["name"], "state": state.to_dict()}
        JOINED.labels(side["m"]).inc()
        live = merged(side["m"])
        publish(side["name"], side["m"], live)
        return live

    async def agent(stream):
        async for event in stream.events():
            message = event.message
            try:
                record = codecs[message.topic].decode(event.value)
            except DecodeError as exc:
                ctx.dead_letter(STEP_ID, message, exc)
                await ctx.flush()
                continue
            side = dict(pending.get(message.key) or {})
            if message.topic == PREDICTIONS.name:
                side.update(p=record["prediction"], m=record["model_uuid"], name=record["model_name"])
            else:
                side.update(y=record[label_field])
            if "p" in side and "y" in side:
                live = complete(side, message.partition)
                pending.pop(message.key, None)
                if watch is not None and watch.may_fire(side["m"], live):
                    await asyncio.to_thread(watch.check, side["name"], side["m"], live)
            else:
                pending[message.key] = side

    return app.agent(source, name=STEP_ID.replace(":", "-"))(agent)
