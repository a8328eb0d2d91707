"""Batch scoring and online serving use the same saved DSL: same predictions."""

import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
import xgboost as xgb

from batch.score import score
from fresco.models.artifact import artifact_path, load_artifact, save_artifact
from fresco.models.spec import ETD

pytestmark = pytest.mark.spark
T0 = datetime(2026, 11, 4, 6, tzinfo=timezone.utc)


def test_batch_scores_equal_online_scores(spark, tmp_path):
    config = ETD.with_stats({"prep_1h_z#0": {"mean": 900.0, "stddev": 250.0, "min": 0.0, "max": 1.0}})
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1500, size=(400, len(config.feature_names)))
    booster = xgb.train({"max_depth": 3, "seed": 1}, xgb.DMatrix(x, label=x[:, 4] + x[:, 2] * 30), 20)
    model_uuid = str(uuid.uuid4())
    uri = save_artifact(artifact_path(str(tmp_path), "etd", model_uuid), booster, config,
                        {"model_uuid": model_uuid}, {}, {})
    rows = [(f"o{i}", 0.5 + i % 7, T0 + timedelta(minutes=37 * i), None if i % 5 == 0 else 700.0 + 10 * i,
             850.0 + i) for i in range(60)]
    frame = spark.createDataFrame(rows, "order_id string, distance_km double, event_time timestamp, "
                                        "restaurant__prep_time_mean_1h double, restaurant__prep_time_mean_7d double")
    batch = {r["order_id"]: r["prediction"] for r in score(frame, uri, ["order_id"]).collect()}

    online = load_artifact(uri)
    for order_id, distance, t, p1, p7 in rows:
        vector = online.vectorize({"distance_km": distance, "event_time": t},
                                  {"restaurant.prep_time_mean_1h": p1, "restaurant.prep_time_mean_7d": p7})
        assert batch[order_id] == pytest.approx(float(online.predict([vector])[0]), rel=1e-6)
