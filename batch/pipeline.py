"""The ETD training pipeline: training set -> models -> evaluation -> registry events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pyspark.sql import SparkSession

from batch.train import etd_labels, fit, fit_input_stats, mean_baseline, save_model, training_set, vectors
from fresco.config import FrescoConfig
from fresco.errors import RegistryError
from fresco.models.spec import ETD, ETD_WITHOUT_1H, ModelConfig
from fresco.registry.client import PlatformClient
from fresco.registry.state import ModelVersion
from fresco.stores import lake


@dataclass
class TrainingOutcome:
    run_id: str
    model: ModelVersion
    holdout: dict[str, dict[str, float]]
    train_rows: int
    test_rows: int
    datasets: dict[str, str]


def train_and_register(spark: SparkSession, config: FrescoConfig, platform: PlatformClient,
                       split_time: datetime, main: ModelConfig = ETD,
                       ablation: ModelConfig = ETD_WITHOUT_1H) -> TrainingOutcome:
    state = platform.state()
    views = {}
    for name in main.feature_views:
        view = state.feature_view(name)
        if view is None:
            raise RegistryError(f"model {main.name} uses feature view {name!r}, which is not registered")
        views[name] = view
    run_id = str(uuid.uuid4())
    labels = etd_labels(spark, config.lake)
    joined = training_set(spark, config.lake, main, labels, views).cache()
    set_uri = lake.table_uri(config.lake, "training", f"{main.name}/{run_id}")
    joined.write.mode("overwrite").parquet(set_uri)
    datasets = {
        "training_set": set_uri,
        "labels": lake.table_uri(config.lake, "archive", "deliveries"),
        **{f"feature:{v}": lake.table_uri(config.lake, "features", v) for v in views},
        "split_time": split_time.isoformat(),
    }
    main = fit_input_stats(joined, main, split_time)
    ablation = fit_input_stats(joined, ablation, split_time)
    data = vectors(joined, main)
    trained = fit(data, main, split_time)
    ablated = fit(vectors(joined, ablation), ablation, split_time)
    joined.unpersist()
    holdout = {main.name: trained.metrics, ablation.name: ablated.metrics,
               "mean": mean_baseline(data, split_time)}
    metrics = {f"{k}.{m}": v for k, ms in holdout.items() for m, v in ms.items()}
    platform.training_completed(run_id, main.name, datasets, dict(main.params), metrics)
    registered = None
    for model in (ablated, trained):  # the main model registers last: it is the one deployed
        model_uuid, uri = save_model(model, config.artifacts, datasets, run_id)
        registered = platform.register_model(
            model_uuid=model_uuid, model_name=model.config.name, run_id=run_id, artifact_uri=uri,
            config=model.config.to_dict(), features=model.config.feature_names, datasets=datasets,
            metrics=model.metrics, feature_importance=model.importance)
    return TrainingOutcome(run_id, registered, holdout, trained.train_rows, trained.test_rows, datasets)
