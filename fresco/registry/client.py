"""The control-plane client: validates intent, emits events, reads views.

It never writes state directly; every method that changes something produces
one platform event and, when asked, waits until its own view includes it.
"""

from __future__ import annotations

import json
from typing import Any

from fresco.errors import RegistryError
from fresco.features.definitions import FeatureView
from fresco.registry.events import PlatformEvent, new_event
from fresco.registry.log import kafka_events
from fresco.registry.state import ModelVersion, PlatformState
from streams.kafka import EventProducer
from streams.topics import PLATFORM_EVENTS


class PlatformClient:
    def __init__(self, bootstrap: str, actor: str = "cli"):
        self.bootstrap = bootstrap
        self.actor = actor
        self._producer = EventProducer(bootstrap, **{"enable.idempotence": True, "acks": "all"})

    def emit(self, event_type: str, subject: str, payload: dict[str, Any]) -> PlatformEvent:
        event = new_event(event_type, subject, payload, self.actor)
        self._producer.send(PLATFORM_EVENTS, event.to_record())
        self._producer.flush()
        return event

    def state(self) -> PlatformState:
        return PlatformState.build(kafka_events(self.bootstrap))

    def define_feature_view(self, view: FeatureView) -> PlatformEvent:
        return self.emit("FeatureViewDefined", view.name, view.to_payload())

    def backfill_completed(self, view: str, start, end, rows: int, online_rows: int,
                           table_uri: str) -> PlatformEvent:
        return self.emit("BackfillCompleted", view, {"feature_view": view, "start": start, "end": end,
                                                     "rows": rows, "online_rows": online_rows,
                                                     "table_uri": table_uri})

    def training_completed(self, run_id: str, model_name: str, datasets: dict[str, str],
                           params: dict[str, Any], metrics: dict[str, float]) -> PlatformEvent:
        return self.emit("TrainingCompleted", model_name, {
            "run_id": run_id, "model_name": model_name, "datasets": datasets,
            "params": {k: str(v) for k, v in params.items()}, "metrics": metrics})

    def register_model(self, *, model_uuid: str, model_name: str, run_id: str, artifact_uri: str,
                       config: dict[str, Any], features: list[str], datasets: dict[str, str],
                       metrics: dict[str, float], feature_importance: dict[str, float]) -> ModelVersion:
        self.emit("ModelRegistered", model_name, {
            "model_uuid": model_uuid, "model_name": model_name, "run_id": run_id,
            "artifact_uri": artifact_uri, "config_json": json.dumps(config, sort_keys=True),
            "features": features, "datasets": datasets, "metrics": metrics,
            "feature_importance": feature_importance})
        model = self.state().models.get(model_uuid)
        if model is None:
            raise RegistryError(f"model {model_uuid} was emitted but is not in the registry view")
        return model

    def deploy(self, model_name: str, tag: str, model_uuid: str) -> PlatformEvent:
        state = self.state()
        model = state.models.get(model_uuid)
        if model is None or model.model_name != model_name:
            raise RegistryError(f"cannot deploy {model_name}@{tag}: no registered model {model_uuid}")
        previous = state.deployments.get((model_name, tag))
        return self.emit("ModelDeployed", f"{model_name}@{tag}", {
            "model_name": model_name, "tag": tag, "model_uuid": model_uuid, "previous_uuid": previous})

    def raise_alert(self, alert: str, subject: str, severity: str, message: str,
                    value: float, threshold: float) -> PlatformEvent:
        return self.emit("AlertRaised", subject, {"alert": alert, "severity": severity,
                                                  "message": message, "value": value,
                                                  "threshold": threshold})
