"""The Faust worker as a real process against the real broker and Valkey."""

import math
import time
from datetime import datetime, timedelta, timezone

import pytest
import redis
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from fresco import devstack
from fresco.features.definitions import FeatureView
from fresco.procs import metric_values, scrape, spawn_cli, wait_http
from fresco.stores.redis_store import decode_value
from streams.avro import SingleObjectCodec, load
from streams.kafka import EventProducer, read_to_end
from streams.topics import DEAD_LETTER, DELIVERIES, FEATURE_VALUES, PREDICTIONS, PREP_COMPLETED

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)
PUSHED_VIEW = FeatureView(
    name="courier.eta_pushed", entity="courier", entity_key="courier_id", source_topic="feature_values",
    value_field="value", aggregation="last", window=timedelta(0), window_kind="lifetime", engine="push",
    ttl=timedelta(hours=1), description="courier ETA computed by the dispatch service")


@pytest.fixture(scope="module")
def worker(config, stack):
    from fresco.features.definitions import DEMO_FEATURE_VIEWS
    from fresco.registry.client import PlatformClient

    platform = PlatformClient(stack["kafka"].address, actor="test")
    for view in (*DEMO_FEATURE_VIEWS, PUSHED_VIEW):  # the worker runs what the registry holds
        platform.define_feature_view(view)
    env = {"FRESCO_HOME": str(config.home), "FRESCO_AGENTS_METRICS_PORT": str(config.agents_metrics_port),
           "FRESCO_TOPIC_PARTITIONS": str(config.topic_partitions), "FRESCO_SCORING_MODEL": "etd"}
    child = spawn_cli("agents-test", ["agents", "run"], env, config.home / "logs")
    url = f"http://127.0.0.1:{config.agents_metrics_port}/metrics"
    wait_http(child, url)
    yield url
    child.stop()


def _wait_metric(url, name, expected, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        total = sum(v for _, v in metric_values(scrape(url), name))
        if total >= expected:
            return total
        time.sleep(0.1)
    raise AssertionError(f"{name} stayed below {expected}")


def _prep(order, restaurant, seconds, at):
    return {"order_id": order, "restaurant_id": restaurant, "prep_time_s": seconds, "event_time": at}


def test_rolling_feature_reaches_valkey_and_junk_goes_to_dead_letter(worker, config, bootstrap):
    producer = EventProducer(bootstrap, partitioner="murmur2_random")
    events = [_prep("a1", "rA", 600.0, T0), _prep("a2", "rA", 900.0, T0 + timedelta(minutes=30)),
              _prep("a3", "rA", 1200.0, T0 + timedelta(minutes=60)), _prep("b1", "rB", 300.0, T0)]
    late = _prep("a0", "rA", 9999.0, T0 + timedelta(minutes=45))  # 15 min behind 13:00, lateness 10 min
    for e in [*events, late]:
        producer.send(PREP_COMPLETED, e)
    producer.send_raw(PREP_COMPLETED.name, b"k", b"\x00garbage")
    producer.flush()
    _wait_metric(worker, "fresco_feature_events_total", len(events) + 2)

    r = redis.Redis.from_url(devstack.redis_url(config))
    # rA at 13:00: the 12:00 event is exactly 1h old and out -> (900 + 1200) / 2
    assert decode_value(r.hget("fresco:fv:restaurant.prep_time_mean_1h:rA", "value")) == 1050.0
    assert decode_value(r.hget("fresco:fv:restaurant.prep_time_mean_1h:rB", "value")) == 300.0

    dead = [SingleObjectCodec(load(DEAD_LETTER.value_schema)).decode(m.value())
            for m in read_to_end(bootstrap, DEAD_LETTER.name)]
    mine = [d for d in dead if d["value"] == b"\x00garbage"]
    assert len(mine) == 1
    assert mine[0]["step_id"] == "features:prep_completed"
    assert mine[0]["source_topic"] == "prep_completed" and "not Avro" in mine[0]["reason"]
    late_letters = [d for d in dead if d["error_type"] == "LateRecord"]
    assert len(late_letters) == 1 and late_letters[0]["step_id"] == "feature:restaurant.prep_time_mean_1h"
    assert "older than the watermark 2026-11-02T13:00:00+00:00" in late_letters[0]["reason"]
    counted = metric_values(scrape(worker), "fresco_dead_letters_total")
    assert sum(v for labels, v in counted if labels["topic"] == "prep_completed") == 2
    assert sum(v for _, v in metric_values(scrape(worker), "fresco_feature_late_events_total")) == 1

    values = [SingleObjectCodec(load(FEATURE_VALUES.value_schema)).decode(m.value())
              for m in read_to_end(bootstrap, FEATURE_VALUES.name)]
    by_entity = sorted((v["event_time"], v["value"]) for v in values if v["entity_key"] == "rA")
    assert [v for _, v in by_entity] == [600.0, 750.0, 1050.0]


def test_monitor_joins_predictions_with_outcomes_like_sklearn(worker, bootstrap):
    producer = EventProducer(bootstrap, partitioner="murmur2_random")
    model = "test-model-uuid"
    truth = [1000.0, 1500.0, 800.0, 2200.0, 1300.0, 900.0]
    preds = [1100.0, 1400.0, 950.0, 2000.0, 1350.0, 700.0]
    for i, (y, p) in enumerate(zip(truth, preds)):
        oid = f"m-{i}"
        pred = {"prediction_id": f"p{i}", "request_id": oid, "model_name": "etd", "model_uuid": model,
                "model_version": 1, "tag": "production", "prediction": p, "features": {"x": 1.0},
                "event_time": T0, "served_at": T0}
        outcome = {"order_id": oid, "restaurant_id": "r", "delivery_time_s": y, "order_time": T0,
                   "event_time": T0 + timedelta(seconds=y)}
        # outcomes before predictions for half the orders: the join must not care
        first, second = ((DELIVERIES, outcome), (PREDICTIONS, pred)) if i % 2 else ((PREDICTIONS, pred), (DELIVERIES, outcome))
        producer.send(*first)
        producer.send(*second)
    producer.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = scrape(worker)
        n = [v for labels, v in metric_values(text, "fresco_live_pairs") if labels["model_uuid"] == model]
        if n and n[0] == len(truth):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("monitor did not join all pairs")
    live = {labels["metric"]: v for labels, v in metric_values(text, "fresco_live_metric")
            if labels["model_uuid"] == model}
    assert math.isclose(live["rmse"], math.sqrt(mean_squared_error(truth, preds)), rel_tol=1e-9)
    assert math.isclose(live["mae"], mean_absolute_error(truth, preds), rel_tol=1e-9)
    assert math.isclose(live["r2"], r2_score(truth, preds), rel_tol=1e-9)
    lags = metric_values(text, "fresco_consumer_lag")
    assert {labels["topic"] for labels, _ in lags} >= {"prep_completed", "predictions", "deliveries"}


def test_degraded_live_accuracy_raises_an_alert_event(worker, bootstrap):
    from fresco.registry.client import PlatformClient
    from fresco.registry.log import kafka_events

    platform = PlatformClient(bootstrap, actor="test")
    platform.register_model(model_uuid="alert-model", model_name="etd", run_id="r", artifact_uri="/x.zip",
                            config={"inputs": []}, features=[], datasets={}, metrics={"rmse": 10.0},
                            feature_importance={})
    producer = EventProducer(bootstrap, partitioner="murmur2_random")
    for i in range(220):
        oid = f"alert-{i}"
        producer.send(PREDICTIONS, {"prediction_id": oid, "request_id": oid, "model_name": "etd",
                                    "model_uuid": "alert-model", "model_version": 1, "tag": "production",
                                    "prediction": 1000.0 + 100.0, "features": {}, "event_time": T0,
                                    "served_at": T0})
        producer.send(DELIVERIES, {"order_id": oid, "restaurant_id": "r", "delivery_time_s": 1000.0,
                                   "order_time": T0, "event_time": T0})
    producer.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alerts = [e for e in kafka_events(bootstrap) if e.event_type == "AlertRaised"]
        if alerts:
            break
        time.sleep(0.3)
    assert len(alerts) == 1
    assert alerts[0].payload["alert"] == "live_rmse_degraded" and alerts[0].actor == "agent:monitor"
    assert alerts[0].payload["value"] == 100.0 and alerts[0].payload["threshold"] == 15.0
    assert "alert-model" in alerts[0].subject


def test_pushed_feature_values_reach_the_online_store(worker, config, bootstrap):
    producer = EventProducer(bootstrap, partitioner="murmur2_random")
    for minutes, value in ((0, 300.0), (5, 280.0)):
        producer.send(FEATURE_VALUES, {"feature_view": PUSHED_VIEW.name, "entity_key": "c-9", "value": value,
                                       "event_time": T0 + timedelta(minutes=minutes), "ingest_time": T0})
    producer.flush()
    _wait_metric(worker, "fresco_feature_pushed_total", 1)
    r = redis.Redis.from_url(devstack.redis_url(config))
    deadline = time.monotonic() + 30
    while decode_value(r.hget("fresco:fv:courier.eta_pushed:c-9", "value")) != 280.0:
        assert time.monotonic() < deadline, "the newest pushed value never reached Valkey"
        time.sleep(0.1)


def test_streaming_scorer_predicts_each_order_with_the_deployed_model(worker, config, bootstrap):
    import uuid

    import numpy as np
    import xgboost as xgb

    from fresco.models.artifact import artifact_path, load_artifact, save_artifact
    from fresco.models.spec import ETD
    from fresco.registry.client import PlatformClient
    from fresco.stores.online import OnlineRow
    from fresco.stores.redis_store import RedisOnlineStore
    from streams.topics import ORDERS

    model = ETD.with_stats({"prep_1h_z#0": {"mean": 900.0, "stddev": 300.0, "min": 0.0, "max": 1.0}})
    x = np.random.default_rng(5).uniform(0, 1000, size=(300, len(model.feature_names)))
    booster = xgb.train({"max_depth": 3, "seed": 5}, xgb.DMatrix(x, label=x[:, 5] + x[:, 2]), 15)
    model_uuid = str(uuid.uuid4())
    uri = save_artifact(artifact_path(config.artifacts, "etd", model_uuid), booster, model,
                        {"model_uuid": model_uuid}, {}, {})
    platform = PlatformClient(bootstrap, actor="test")
    platform.register_model(model_uuid=model_uuid, model_name="etd", run_id="t", artifact_uri=uri,
                            config=model.to_dict(), features=model.feature_names, datasets={}, metrics={},
                            feature_importance={})
    platform.deploy("etd", config.serving_tag, model_uuid)
    store = RedisOnlineStore.from_config(config)
    store.write("restaurant.prep_time_mean_1h", 600, [OnlineRow("rS", {"value": 1000.0}, 1)])
    store.write("restaurant.prep_time_mean_7d", 600, [OnlineRow("rS", {"value": 800.0}, 1)])
    producer = EventProducer(bootstrap, partitioner="murmur2_random")
    orders = [{"order_id": f"s-{i}", "restaurant_id": "rS", "customer_id": "c", "distance_km": 1.0 + i,
               "event_time": T0 + timedelta(hours=i)} for i in range(3)]
    for order in orders:
        producer.send(ORDERS, order)
    producer.flush()

    codec = SingleObjectCodec(load(PREDICTIONS.value_schema))
    deadline = time.monotonic() + 60
    while True:
        scored = {r["request_id"]: r for r in (codec.decode(m.value()) for m in read_to_end(bootstrap, PREDICTIONS.name))
                  if r["request_id"].startswith("s-")}
        if len(scored) == 3:
            break
        assert time.monotonic() < deadline, f"scored only {sorted(scored)}"
        time.sleep(0.2)
    served = load_artifact(uri)
    for order in orders:
        vector = served.vectorize({"distance_km": order["distance_km"], "event_time": order["event_time"]},
                                  {"restaurant.prep_time_mean_1h": 1000.0, "restaurant.prep_time_mean_7d": 800.0})
        record = scored[order["order_id"]]
        assert record["model_uuid"] == model_uuid
        assert record["prediction"] == pytest.approx(float(served.predict([vector])[0]), rel=1e-6)
