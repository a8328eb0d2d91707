"""Streaming predictions: score every order as it arrives with MODEL@TAG.

The same Predictor as the HTTP service (online features, the compiled DSL saved
in the artifact, the booster) runs inside the Faust worker; predictions go to
the `predictions` topic, where the monitor joins them with outcomes. The model
follows the tag: a ModelDeployed event swaps it without a restart.
"""

from __future__ import annotations

import asyncio

import faust
from prometheus_client import Counter

from agents.context import AgentContext
from fresco.errors import DecodeError, FrescoError
from serving.app import DeploymentWatcher
from serving.predictor import Predictor
from serving.requests import PredictRequest
from streams.avro import SingleObjectCodec, load
from streams.topics import ORDERS, PREDICTIONS

STEP_ID = "scoring:orders"
SCORED = Counter("fresco_stream_predictions", "Orders scored by the streaming scorer", ["model_name"])


def register_scoring_agent(app: faust.App, ctx: AgentContext, model_name: str):
    codec = SingleObjectCodec(load(ORDERS.value_schema))
    predictor = Predictor(ctx.online)
    watcher = DeploymentWatcher(ctx.bootstrap, predictor, model_name, ctx.config.serving_tag)
    source = app.topic(ORDERS.name, key_type=bytes, value_type=bytes, key_serializer="raw",
                       value_serializer="raw", partitions=ctx.config.topic_partitions)

    @app.task
    async def follow_deployments() -> None:
        watcher.start()

    def request_of(record: dict) -> PredictRequest:
        config = predictor.deployed.model.config
        fields = {}
        for name, kind in config.request_fields.items():
            value = record.get(name)
            if value is None:
                raise FrescoError(f"{STEP_ID}: order has no field {name!r} that {model_name} needs")
            fields[name] = float(value) if kind == "number" else value
        return PredictRequest(record["order_id"], record[config.entity_key], fields, record["event_time"])

    async def agent(stream):
        async for events in stream.take_events(ctx.config.agent_batch_size, within=0.05):
            if predictor.deployed is None:
                # Nothing deployed yet: wait for the tag rather than drop orders.
                await asyncio.to_thread(watcher.ready.wait, 60)
                if predictor.deployed is None:
                    raise FrescoError(f"{STEP_ID}: no model deployed at {model_name}@{ctx.config.serving_tag}")
            for event in events:
                try:
                    req = request_of(codec.decode(event.value))
                except (DecodeError, FrescoError, KeyError) as exc:
                    ctx.dead_letter(STEP_ID, event.message, exc)
                    continue
                result = await predictor.predict(req)
                ctx.producer.send(PREDICTIONS, Predictor.log_record(req, result))
                SCORED.labels(model_name).inc()
            await ctx.flush()

    return app.agent(source, name="scoring-orders")(agent)
