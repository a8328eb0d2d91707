"""Model artifacts: one zip with the booster, the config and the evaluation.

Layout: model.json (xgboost), config.json (ModelConfig), metrics.json,
feature_importance.json, manifest.json (uuid, name, created_at, datasets).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import xgboost as xgb

from fresco.errors import FrescoError
from fresco.models.spec import ModelConfig


@dataclass
class LoadedModel:
    model_uuid: str
    config: ModelConfig
    booster: xgb.Booster
    manifest: dict[str, Any]
    vectorize: Any = None  # compiled once from the saved DSL: vectorize(request, features)

    def __post_init__(self) -> None:
        if self.vectorize is None:
            self.vectorize = self.config.vectorizer()

    def predict(self, vectors: Sequence[Sequence[float | None]]) -> np.ndarray:
        # None (a null input) is xgboost's missing value, as NaN was at training.
        rows = [[np.nan if v is None else v for v in vector] for vector in vectors]
        return self.booster.inplace_predict(np.asarray(rows, dtype=np.float32))


def artifact_path(root: str, model_name: str, model_uuid: str) -> Path:
    return Path(root) / model_name / f"{model_uuid}.zip"


def save_artifact(path: Path, booster: xgb.Booster, config: ModelConfig, manifest: dict[str, Any],
                  metrics: dict[str, float], importance: dict[str, float]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model.json", bytes(booster.save_raw("json")))
        zf.writestr("config.json", json.dumps(config.to_dict(), indent=2, sort_keys=True))
        zf.writestr("metrics.json", json.dumps(metrics, indent=2, sort_keys=True))
        zf.writestr("feature_importance.json", json.dumps(importance, indent=2, sort_keys=True))
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True, default=str))
    tmp.replace(path)
    return str(path.resolve())


def load_artifact(uri: str) -> LoadedModel:
    try:
        with zipfile.ZipFile(uri) as zf:
            booster = xgb.Booster()
            booster.load_model(bytearray(zf.read("model.json")))
            config = ModelConfig.from_dict(json.loads(zf.read("config.json")))
            manifest = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, xgb.core.XGBoostError) as exc:
        raise FrescoError(f"cannot load model artifact {uri}: {exc}") from exc
    booster.set_param({"nthread": 1})  # serving: one request, one thread
    return LoadedModel(manifest["model_uuid"], config, booster, manifest)
