"""Training job: labels from the archive, point-in-time features, XGBoost, holdout eval.

The holdout is a later time slice (orders placed at or after `split_time`), so
evaluation never trains on the future.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from batch.archive import read_archive
from batch.training_set import point_in_time_join
from fresco.features.definitions import FeatureView
from fresco.metrics import RegressionState
from fresco.models.artifact import artifact_path, save_artifact
from fresco.dsl.config import DslConfig
from fresco.models.spec import ModelConfig
from fresco.stores import lake
from fresco.timeutil import utcnow
from streams.topics import DELIVERIES, ORDERS


def column_name(view: str) -> str:
    """Spark column for a feature view (dots would read as struct access)."""
    return view.replace(".", "__")


def etd_labels(spark: SparkSession, lake_root: str) -> DataFrame:
    """One row per delivered order, timed at order placement (when ETD is predicted)."""
    orders = read_archive(spark, lake_root, ORDERS).select("order_id", "distance_km")
    deliveries = read_archive(spark, lake_root, DELIVERIES).select(
        "order_id", "restaurant_id", "delivery_time_s", F.col("order_time").alias("event_time"))
    return deliveries.join(orders, "order_id").dropDuplicates(["order_id"])


def training_set(spark: SparkSession, lake_root: str, config: ModelConfig, labels: DataFrame,
                 views: dict[str, FeatureView], bound_by_ingest: bool = False) -> DataFrame:
    features = {}
    for name in config.feature_views:
        rows = spark.read.parquet(lake.table_uri(lake_root, "features", name)).select(
            "entity_key", "value", "event_time", "ingest_time")
        features[column_name(name)] = (rows, views[name].ttl)
    return point_in_time_join(labels, config.entity_key, "event_time", features, bound_by_ingest)


def vectors(frame: DataFrame, config: ModelConfig) -> pd.DataFrame:
    """The model's inputs computed by the Spark form of its DSL (same program serving runs)."""
    from fresco.dsl.compile_spark import compile_spark

    columns = [c for _, c in compile_spark(config.program, config.dsl.stats)]
    out = frame.select(*columns, F.col(config.label).cast("double").alias("label"), "event_time").toPandas()
    out[config.feature_names] = out[config.feature_names].astype("float64")
    return out


def fit_input_stats(frame: DataFrame, config: ModelConfig, split_time: datetime) -> ModelConfig:
    """Freeze normalize()/minmax() statistics on the training slice only (never the holdout)."""
    from fresco.dsl.config import fit_stats

    train = frame.filter(F.col("event_time") < F.lit(split_time))
    dsl = DslConfig(dict(config.dsl.request), list(config.dsl.expressions))
    return config.with_stats(fit_stats(dsl, train))


def evaluate(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    state = RegressionState()
    for y, p in zip(y_true.tolist(), y_pred.tolist()):
        state.update(y, p)
    s = state.summary()
    return {"rmse": s["rmse"], "mae": s["mae"], "r2": s["r2"], "rmsle": s["rmsle"], "n": s["n"]}


@dataclass
class TrainedModel:
    config: ModelConfig
    booster: xgb.Booster
    metrics: dict[str, float]
    importance: dict[str, float]
    train_rows: int
    test_rows: int


def fit(data: pd.DataFrame, config: ModelConfig, split_time: datetime) -> TrainedModel:
    split = pd.Timestamp(split_time)
    times = pd.to_datetime(data["event_time"], utc=True)
    train, test = data[times < split], data[times >= split]
    names = config.feature_names
    params = {k: v for k, v in config.params.items() if k != "num_boost_round"}
    rounds = int(config.params.get("num_boost_round", 200))
    dtrain = xgb.DMatrix(train[names].values, label=train["label"].values, feature_names=names)
    booster = xgb.train(params, dtrain, num_boost_round=rounds)
    pred = booster.inplace_predict(test[names].values.astype(np.float32))
    metrics = evaluate(test["label"].values, pred)
    gain = booster.get_score(importance_type="gain")
    total = sum(gain.values()) or 1.0
    importance = {n: gain.get(n, 0.0) / total for n in names}
    return TrainedModel(config, booster, metrics, importance, len(train), len(test))


def mean_baseline(data: pd.DataFrame, split_time: datetime) -> dict[str, float]:
    times = pd.to_datetime(data["event_time"], utc=True)
    split = pd.Timestamp(split_time)
    train, test = data[times < split], data[times >= split]
    return evaluate(test["label"].values, np.full(len(test), train["label"].mean()))


def save_model(trained: TrainedModel, artifacts_root: str, datasets: dict[str, str],
               run_id: str) -> tuple[str, str]:
    model_uuid = str(uuid.uuid4())
    manifest: dict[str, Any] = {"model_uuid": model_uuid, "model_name": trained.config.name,
                                "run_id": run_id, "created_at": utcnow().isoformat(),
                                "datasets": datasets, "train_rows": trained.train_rows,
                                "test_rows": trained.test_rows}
    uri = save_artifact(artifact_path(artifacts_root, trained.config.name, model_uuid),
                        trained.booster, trained.config, manifest, trained.metrics, trained.importance)
    return model_uuid, uri
