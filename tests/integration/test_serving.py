"""The HTTP prediction service in-process, against the real broker and Valkey."""

import asyncio
import uuid

import numpy as np
import pytest
import xgboost as xgb
from aiohttp.test_utils import TestClient, TestServer

from fresco.models.artifact import artifact_path, save_artifact
from fresco.models.spec import ETD as ETD_UNFITTED
from fresco.registry.client import PlatformClient
from fresco.stores.online import OnlineRow
from fresco.stores.redis_store import RedisOnlineStore
from fresco.timeutil import parse_iso_utc
from serving.app import build_app
from streams.avro import SingleObjectCodec, load
from streams.kafka import read_to_end
from streams.topics import PREDICTIONS

pytestmark = pytest.mark.integration
ETD = ETD_UNFITTED.with_stats({"prep_1h_z#0": {"mean": 900.0, "stddev": 300.0, "min": 0.0, "max": 1.0}})


def _register(config, client: PlatformClient, seed: int) -> tuple[str, xgb.Booster]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, size=(200, len(ETD.feature_names)))
    booster = xgb.train({"max_depth": 3, "seed": seed}, xgb.DMatrix(x, label=x @ rng.uniform(1, 5, x.shape[1])),
                        num_boost_round=10)
    model_uuid = str(uuid.uuid4())
    uri = save_artifact(artifact_path(config.artifacts, "etd", model_uuid), booster, ETD,
                        {"model_uuid": model_uuid}, {"rmse": 1.0}, {})
    client.register_model(model_uuid=model_uuid, model_name="etd", run_id="t", artifact_uri=uri,
                          config=ETD.to_dict(), features=ETD.feature_names, datasets={}, metrics={"rmse": 1.0},
                          feature_importance={})
    client.deploy("etd", config.serving_tag, model_uuid)
    return model_uuid, booster


async def _wait_ready(http: TestClient, model_uuid: str):
    for _ in range(200):
        resp = await http.get("/models")
        if (await resp.json())["model_uuid"] == model_uuid:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"serving never loaded {model_uuid}")


def test_predict_validate_log_and_hot_swap(config, bootstrap):
    platform = PlatformClient(bootstrap, actor="test")
    first_uuid, booster = _register(config, platform, seed=1)
    store = RedisOnlineStore.from_config(config)
    store.write("restaurant.prep_time_mean_1h", 600, [OnlineRow("r7", {"value": 950.0}, 1)])
    store.write("restaurant.prep_time_mean_7d", 600, [OnlineRow("r7", {"value": 800.0}, 1)])

    async def scenario():
        async with TestClient(TestServer(build_app(config))) as http:
            await _wait_ready(http, first_uuid)
            body = {"order_id": "srv-1", "restaurant_id": "r7", "distance_km": 3.2,
                    "event_time": "2026-11-04T12:30:00Z"}
            resp = await http.post("/predict", json=body)
            assert resp.status == 200
            out = await resp.json()
            t = parse_iso_utc(body["event_time"], "t")
            vector = ETD.vectorizer()({"distance_km": 3.2, "event_time": t},
                                      {"restaurant.prep_time_mean_1h": 950.0, "restaurant.prep_time_mean_7d": 800.0})
            assert vector[:4] == [12.0, 2.0, 3.2, 2.0] and vector[-2] == pytest.approx(50 / 300)
            expected = float(booster.inplace_predict(np.asarray([vector], dtype=np.float32))[0])
            assert out["prediction"] == pytest.approx(expected, rel=1e-6)
            assert (out["model_uuid"], out["tag"]) == (first_uuid, config.serving_tag)

            unknown = await http.post("/predict", json={**body, "order_id": "srv-2", "restaurant_id": "nobody"})
            assert unknown.status == 200  # missing online features are NaN, not an error
            assert (await unknown.json())["features"]["prep_1h"] is None

            missing = await http.post("/predict", json={"order_id": "x", "restaurant_id": "r7"})
            assert missing.status == 422 and (await missing.json())["field"] == "distance_km"
            wrong = await http.post("/predict", json={**body, "distance_km": "3 km"})
            err = await wrong.json()
            assert wrong.status == 422 and err["field"] == "distance_km" and "got str" in err["error"]
            bad_json = await http.post("/predict", data=b"{not json", headers={"Content-Type": "application/json"})
            assert bad_json.status == 400

            second_uuid, _ = _register(config, platform, seed=2)
            await _wait_ready(http, second_uuid)
            resp = await http.post("/predict", json={**body, "order_id": "srv-3"})
            assert (await resp.json())["model_uuid"] == second_uuid
            metrics = await (await http.get("/metrics")).text()
            assert 'fresco_serving_requests_total{status="422"}' in metrics
            return second_uuid

    second_uuid = asyncio.run(scenario())
    codec = SingleObjectCodec(load(PREDICTIONS.value_schema))
    for _ in range(50):
        logged = {r["request_id"]: r for r in (codec.decode(m.value()) for m in read_to_end(bootstrap, PREDICTIONS.name))}
        if {"srv-1", "srv-3"} <= set(logged):
            break
        asyncio.run(asyncio.sleep(0.1))
    assert logged["srv-1"]["model_uuid"] == first_uuid
    assert logged["srv-1"]["features"]["prep_1h"] == 950.0
    assert logged["srv-3"]["model_uuid"] == second_uuid
