"""The prediction path: online features -> shared vector assembly -> model.

Kept free of HTTP so the bench can time it against a bare redis + xgboost floor.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from fresco.models.artifact import LoadedModel
from fresco.registry.state import ModelVersion
from fresco.stores.online import OnlineStore, ReadRequest
from fresco.timeutil import utcnow
from serving.requests import PredictRequest


@dataclass(frozen=True)
class Deployed:
    version: ModelVersion
    model: LoadedModel
    tag: str


@dataclass(frozen=True)
class Prediction:
    prediction_id: str
    value: float
    deployed: Deployed
    features: dict[str, float | None]


class Predictor:
    def __init__(self, store: OnlineStore):
        self.store = store
        self._deployed: Deployed | None = None
        self._lock = threading.Lock()

    def swap(self, deployed: Deployed) -> None:
        with self._lock:  # requests in flight keep the model they started with
            self._deployed = deployed

    @property
    def deployed(self) -> Deployed | None:
        return self._deployed

    async def predict(self, req: PredictRequest) -> Prediction:
        deployed = self._deployed
        if deployed is None:
            raise LookupError("no model deployed under this tag yet")
        model = deployed.model
        views = model.config.feature_views
        results = await self.store.aread([ReadRequest(v, req.entity_key, ("value",)) for v in views])
        features = {v: r.values["value"] for v, r in zip(views, results)}
        vector = model.vectorize(req.fields, features)  # the DSL saved in the artifact
        value = float(model.predict([vector])[0])
        logged = dict(zip(model.config.feature_names, (None if x is None else float(x) for x in vector)))
        return Prediction(str(uuid.uuid4()), value, deployed, logged)

    @staticmethod
    def log_record(req: PredictRequest, p: Prediction) -> dict:
        v = p.deployed.version
        return {"prediction_id": p.prediction_id, "request_id": req.request_id,
                "model_name": v.model_name, "model_uuid": v.model_uuid, "model_version": v.version,
                "tag": p.deployed.tag, "prediction": p.value, "features": p.features,
                "event_time": req.event_time, "served_at": utcnow()}
