"""(a) Online prediction latency vs a floor of bare redis-py pipelined HMGET + xgboost inplace_predict.

All paths fetch the same two feature-view hashes for one restaurant from the
same Valkey and run the same booster (ETD-shaped: 5 inputs, 300 trees).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timezone

import aiohttp
import numpy as np
import redis
import xgboost as xgb

from bench.common import percentile, table
from fresco import devstack
from fresco.config import FrescoConfig
from fresco.models.artifact import artifact_path, load_artifact, save_artifact
from fresco.models.spec import ETD as ETD_UNFITTED
from fresco.models.spec import ETD_PARAMS
from fresco.procs import spawn_cli, wait_http
from fresco.registry.client import PlatformClient
from fresco.registry.state import ModelVersion
from fresco.stores.online import OnlineRow
from fresco.stores.redis_store import TS_FIELD, RedisOnlineStore, redis_key
from serving.predictor import Deployed, Predictor
from serving.requests import PredictRequest

ETD = ETD_UNFITTED.with_stats({"prep_1h_z#0": {"mean": 900.0, "stddev": 300.0, "min": 0.0, "max": 1.0}})
VIEWS = ETD.feature_views
WHEN = datetime(2026, 11, 4, 12, 30, tzinfo=timezone.utc)


def setup(config: FrescoConfig) -> tuple[str, xgb.Booster]:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 2000, size=(5000, len(ETD.feature_names)))
    params = {k: v for k, v in ETD_PARAMS.items() if k != "num_boost_round"}
    booster = xgb.train(params, xgb.DMatrix(x, label=x.sum(axis=1)), num_boost_round=300)
    model_uuid = str(uuid.uuid4())
    uri = save_artifact(artifact_path(config.artifacts, "etd", model_uuid), booster, ETD,
                        {"model_uuid": model_uuid}, {}, {})
    platform = PlatformClient(devstack.kafka_bootstrap(config), actor="bench")
    platform.register_model(model_uuid=model_uuid, model_name="etd", run_id="bench", artifact_uri=uri,
                            config=ETD.to_dict(), features=ETD.feature_names, datasets={}, metrics={},
                            feature_importance={})
    platform.deploy("etd", config.serving_tag, model_uuid)
    store = RedisOnlineStore.from_config(config)
    for view in VIEWS:
        store.write(view, 3600, [OnlineRow(f"r{i:03d}", {"value": 500.0 + i}, 1) for i in range(100)])
    booster.set_param({"nthread": 1})
    return uri, booster


def floor(config: FrescoConfig, booster: xgb.Booster, n: int) -> list[float]:
    client = redis.Redis.from_url(devstack.redis_url(config))
    out = []
    for i in range(n):
        t = time.perf_counter()
        pipe = client.pipeline(transaction=False)
        for view in VIEWS:
            pipe.hmget(redis_key(view, f"r{i % 100:03d}"), [TS_FIELD, "value"])
        replies = pipe.execute()
        vector = [12.0, 2.0, 3.2, 2.0, *(1.0 if r[1] else 0.0 for r in replies), 0.5, 1.0]
        booster.inplace_predict(np.asarray([vector], dtype=np.float32))
        out.append(time.perf_counter() - t)
    return out


def in_process(config: FrescoConfig, uri: str, n: int) -> list[float]:
    model = load_artifact(uri)
    predictor = Predictor(RedisOnlineStore.from_config(config))
    version = ModelVersion(model.model_uuid, "etd", 1, WHEN, uri, {}, (), {}, {}, {}, "bench")
    predictor.swap(Deployed(version, model, "production"))

    async def go() -> list[float]:
        out = []
        for i in range(n):
            req = PredictRequest(f"o{i}", f"r{i % 100:03d}", {"distance_km": 3.2}, WHEN)
            t = time.perf_counter()
            await predictor.predict(req)
            out.append(time.perf_counter() - t)
        return out

    return asyncio.run(go())


def over_http(config: FrescoConfig, n: int) -> list[float]:
    port = devstack.free_port()
    child = spawn_cli("serving-bench", ["serve"], {"FRESCO_HOME": str(config.home),
                                                   "FRESCO_SERVING_PORT": str(port)}, config.home / "logs")
    try:
        wait_http(child, f"http://127.0.0.1:{port}/healthz", timeout=90)

        async def go() -> list[float]:
            out = []
            async with aiohttp.ClientSession() as http:
                for i in range(n):
                    body = {"order_id": f"o{i}", "restaurant_id": f"r{i % 100:03d}", "distance_km": 3.2,
                            "event_time": WHEN.isoformat()}
                    t = time.perf_counter()
                    async with http.post(f"http://127.0.0.1:{port}/predict", json=body) as resp:
                        await resp.read()
                    out.append(time.perf_counter() - t)
            return out

        return asyncio.run(go())
    finally:
        child.stop()


def run(config: FrescoConfig, n: int = 3000) -> str:
    uri, booster = setup(config)
    floor(config, booster, 200)  # warm-up: connections, caches
    base = floor(config, booster, n)
    paths = [("floor: redis-py pipelined HMGET + inplace_predict", base),
             ("Fresco predictor (async Valkey + compiled DSL + predict)", in_process(config, uri, n)),
             ("Fresco HTTP POST /predict (incl. client, JSON, Kafka log)", over_http(config, n))]
    b50, b99 = percentile(base, 0.5), percentile(base, 0.99)
    rows = [[name, f"{percentile(v, 0.5) * 1e6:,.0f}", f"{percentile(v, 0.99) * 1e6:,.0f}",
             f"{percentile(v, 0.5) / b50:.2f}", f"{percentile(v, 0.99) / b99:.2f}"] for name, v in paths]
    return table(f"(a) online prediction latency, {n:,} sequential requests, 2 feature views x 1 entity",
                 ["path", "p50 us", "p99 us", "p50 ratio", "p99 ratio"], rows)
