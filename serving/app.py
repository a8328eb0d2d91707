"""HTTP serving: POST /predict, GET /models, /healthz, /metrics.

The deployment table is a view of platform.events, tailed in a background
thread; when the tag moves, the new artifact is loaded and swapped in.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from aiohttp import web
from confluent_kafka import Consumer, TopicPartition
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest

from fresco import devstack
from fresco.config import FrescoConfig
from fresco.errors import FrescoError, RequestError
from fresco.models.artifact import load_artifact
from fresco.registry.events import PlatformEvent
from fresco.registry.state import PlatformState
from fresco.stores.online import open_online_store
from serving.predictor import Deployed, Predictor
from serving.requests import parse_predict_request
from streams.avro import SingleObjectCodec, load
from streams.kafka import EventProducer
from streams.lag import LagCollector
from streams.topics import PLATFORM_EVENTS, PREDICTIONS

log = logging.getLogger(__name__)
REQUESTS = Counter("fresco_serving_requests", "Prediction requests", ["status"])
LATENCY = Histogram("fresco_serving_latency_seconds", "Prediction latency (feature fetch + predict)",
                    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5))
LOG_FAILURES = Counter("fresco_serving_log_failures", "Prediction log flushes that failed")
TAIL_GROUP = "fresco-serving-deployments"


class DeploymentWatcher(threading.Thread):
    """Tails platform.events; swaps the predictor's model when the tag moves."""

    def __init__(self, bootstrap: str, predictor: Predictor, model_name: str, tag: str):
        super().__init__(daemon=True, name="deployment-watcher")
        self.bootstrap, self.predictor = bootstrap, predictor
        self.model_name, self.tag = model_name, tag
        self.state = PlatformState()
        self.stopping = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        codec = SingleObjectCodec(load(PLATFORM_EVENTS.value_schema))
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": TAIL_GROUP,
                             "enable.auto.commit": False, "fetch.wait.max.ms": 100})
        consumer.assign([TopicPartition(PLATFORM_EVENTS.name, 0, 0)])
        try:
            while not self.stopping.is_set():
                messages = consumer.consume(500, 0.2)
                for msg in messages:
                    if msg.error() is None:
                        self.state.apply(PlatformEvent.from_record(codec.decode(msg.value())))
                if messages:
                    consumer.commit(asynchronous=True)  # only so lag is observable
                self._maybe_swap()
        finally:
            consumer.close()

    def _maybe_swap(self) -> None:
        version = self.state.deployed(self.model_name, self.tag)
        current = self.predictor.deployed
        if version is not None and (current is None or current.version.model_uuid != version.model_uuid):
            model = load_artifact(version.artifact_uri)
            self.predictor.swap(Deployed(version, model, self.tag))
            log.info("serving %s@%s = %s (v%s)", self.model_name, self.tag, version.model_uuid, version.version)
        if self.predictor.deployed is not None:
            self.ready.set()


def build_app(config: FrescoConfig, model_name: str = "etd") -> web.Application:
    bootstrap = devstack.kafka_bootstrap(config)
    predictor = Predictor(open_online_store(config))
    watcher = DeploymentWatcher(bootstrap, predictor, model_name, config.serving_tag)
    producer = EventProducer(bootstrap, partitioner="murmur2_random")

    async def predict(request: web.Request) -> web.Response:
        start = time.perf_counter()
        try:
            body = await request.json()
        except ValueError:
            REQUESTS.labels("400").inc()
            return web.json_response({"error": "body is not valid JSON", "field": "body"}, status=400)
        deployed = predictor.deployed
        if deployed is None:
            REQUESTS.labels("503").inc()
            return web.json_response({"error": f"no model deployed at {model_name}@{config.serving_tag}"},
                                     status=503)
        try:
            req = parse_predict_request(body, "order_id", deployed.model.config.entity_key,
                                        deployed.model.config.request_fields)
        except RequestError as exc:
            REQUESTS.labels("422").inc()
            return web.json_response({"error": str(exc), "field": exc.field}, status=422)
        result = await predictor.predict(req)
        producer.send(PREDICTIONS, Predictor.log_record(req, result))
        LATENCY.observe(time.perf_counter() - start)
        REQUESTS.labels("200").inc()
        v = result.deployed.version
        return web.json_response({"order_id": req.request_id, "prediction": result.value,
                                  "model_name": v.model_name, "model_uuid": v.model_uuid,
                                  "model_version": v.version, "tag": result.deployed.tag,
                                  "features": result.features})

    async def models(_: web.Request) -> web.Response:
        d = predictor.deployed
        return web.json_response({"tag": config.serving_tag, "model_name": model_name,
                                  "model_uuid": d.version.model_uuid if d else None,
                                  "model_version": d.version.version if d else None})

    async def healthz(_: web.Request) -> web.Response:
        ok = predictor.deployed is not None
        return web.json_response({"ready": ok}, status=200 if ok else 503)

    async def metrics(_: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def on_startup(_: web.Application) -> None:
        watcher.start()

    async def on_cleanup(_: web.Application) -> None:
        watcher.stopping.set()
        await asyncio.to_thread(producer.flush)

    async def flush_loop(app: web.Application):
        async def loop():
            while True:
                await asyncio.sleep(0.5)
                try:
                    await asyncio.to_thread(producer.flush)
                except FrescoError as exc:
                    LOG_FAILURES.inc()
                    log.error("prediction log: %s", exc)
        task = asyncio.create_task(loop())
        yield
        task.cancel()

    app = web.Application()
    app.router.add_post("/predict", predict)
    app.router.add_get("/models", models)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.cleanup_ctx.append(flush_loop)
    return app


def run_server(config: FrescoConfig, model_name: str = "etd") -> None:
    bootstrap = devstack.kafka_bootstrap(config)
    REGISTRY.register(LagCollector(bootstrap, {TAIL_GROUP: [PLATFORM_EVENTS.name]}))
    web.run_app(build_app(config, model_name), host=config.serving_host, port=config.serving_port,
                print=None, access_log=None)
