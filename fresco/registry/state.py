"""The platform state: a pure fold over platform events, rebuildable from any copy of the log."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from fresco.features.definitions import FeatureView
from fresco.registry.events import PlatformEvent


@dataclass(frozen=True)
class FeatureVersion:
    version: int
    view: FeatureView
    defined_at: datetime
    actor: str


@dataclass(frozen=True)
class ModelVersion:
    model_uuid: str
    model_name: str
    version: int
    registered_at: datetime
    artifact_uri: str
    config: dict[str, Any]
    features: tuple[str, ...]
    datasets: dict[str, str]
    metrics: dict[str, float]
    feature_importance: dict[str, float]
    run_id: str


@dataclass
class PlatformState:
    features: dict[str, list[FeatureVersion]] = field(default_factory=dict)
    backfills: list[dict[str, Any]] = field(default_factory=list)
    training_runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, ModelVersion] = field(default_factory=dict)  # by uuid
    deployments: dict[tuple[str, str], str] = field(default_factory=dict)  # (model, tag) -> uuid
    deployment_history: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (event_id, why)
    seen: set[str] = field(default_factory=set)
    applied: int = 0

    @classmethod
    def build(cls, events: Iterable[PlatformEvent]) -> "PlatformState":
        state = cls()
        for event in events:
            state.apply(event)
        return state

    def apply(self, event: PlatformEvent) -> None:
        if event.event_id in self.seen:  # at-least-once delivery and archive replays
            return
        self.seen.add(event.event_id)
        handler = getattr(self, f"_on_{event.event_type}", None)
        if handler is None:
            self.rejected.append((event.event_id, f"unknown event type {event.event_type}"))
            return
        rejected_before = len(self.rejected)
        handler(event, event.payload)
        if len(self.rejected) == rejected_before:
            self.applied += 1

    def _on_FeatureViewDefined(self, event: PlatformEvent, p: dict) -> None:
        view = FeatureView.from_payload(p)
        versions = self.features.setdefault(view.name, [])
        if versions and versions[-1].view == view:
            return  # re-declaring an unchanged definition is not a new version
        versions.append(FeatureVersion(len(versions) + 1, view, event.event_time, event.actor))

    def _on_BackfillCompleted(self, event: PlatformEvent, p: dict) -> None:
        self.backfills.append(dict(p, completed_at=event.event_time))

    def _on_TrainingCompleted(self, event: PlatformEvent, p: dict) -> None:
        self.training_runs[p["run_id"]] = dict(p, completed_at=event.event_time)

    def _on_ModelRegistered(self, event: PlatformEvent, p: dict) -> None:
        if p["model_uuid"] in self.models:
            self.rejected.append((event.event_id, f"model uuid {p['model_uuid']} already registered"))
            return
        version = 1 + sum(1 for m in self.models.values() if m.model_name == p["model_name"])
        self.models[p["model_uuid"]] = ModelVersion(
            p["model_uuid"], p["model_name"], version, event.event_time, p["artifact_uri"],
            json.loads(p["config_json"]), tuple(p["features"]), dict(p["datasets"]),
            dict(p["metrics"]), dict(p["feature_importance"]), p["run_id"])

    def _on_ModelDeployed(self, event: PlatformEvent, p: dict) -> None:
        model = self.models.get(p["model_uuid"])
        if model is None or model.model_name != p["model_name"]:
            self.rejected.append((event.event_id, f"deploy of unknown model {p['model_uuid']}"))
            return
        self.deployments[(p["model_name"], p["tag"])] = p["model_uuid"]
        self.deployment_history.append(dict(p, deployed_at=event.event_time))

    def _on_AlertRaised(self, event: PlatformEvent, p: dict) -> None:
        self.alerts.append(dict(p, subject=event.subject, raised_at=event.event_time))

    # -- queries ---------------------------------------------------------------
    def feature_view(self, name: str) -> FeatureView | None:
        versions = self.features.get(name)
        return versions[-1].view if versions else None

    def deployed(self, model_name: str, tag: str) -> ModelVersion | None:
        uuid = self.deployments.get((model_name, tag))
        return self.models.get(uuid) if uuid else None

    def model_versions(self, model_name: str) -> list[ModelVersion]:
        return sorted((m for m in self.models.values() if m.model_name == model_name),
                      key=lambda m: m.version)

    def snapshot(self) -> dict[str, Any]:
        """Comparable summary: what a rebuild must reproduce exactly."""
        return {
            "features": {n: [(v.version, v.view.to_payload()) for v in vs] for n, vs in self.features.items()},
            "models": {u: (m.model_name, m.version, m.artifact_uri, m.metrics) for u, m in self.models.items()},
            "deployments": {f"{k[0]}@{k[1]}": v for k, v in self.deployments.items()},
            "backfills": len(self.backfills),
            "training_runs": sorted(self.training_runs),
            "alerts": len(self.alerts),
        }
