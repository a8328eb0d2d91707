"""Live-accuracy alerts: compare a model's live RMSE with its held-out RMSE.

Pure policy plus a small watcher that looks the reference up in the platform
log and emits AlertRaised events (never writes state directly).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from fresco.metrics import RegressionState
from fresco.registry.client import PlatformClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertPolicy:
    min_pairs: int = 200  # fewer joined pairs are too noisy to judge
    max_ratio: float = 1.5  # live RMSE above 1.5x the held-out RMSE is an alert

    def breached(self, live: RegressionState, holdout_rmse: float | None) -> bool:
        if holdout_rmse is None or holdout_rmse <= 0 or live.n < self.min_pairs:
            return False
        return live.rmse > self.max_ratio * holdout_rmse


@dataclass
class AccuracyWatch:
    platform: PlatformClient
    policy: AlertPolicy = field(default_factory=AlertPolicy)
    _reference: dict[str, float | None] = field(default_factory=dict)
    _raised: set[str] = field(default_factory=set)

    def reference(self, model_uuid: str) -> float | None:
        if model_uuid not in self._reference:
            model = self.platform.state().models.get(model_uuid)
            self._reference[model_uuid] = model.metrics.get("rmse") if model else None
        return self._reference[model_uuid]

    def may_fire(self, model_uuid: str, live: RegressionState) -> bool:
        """Cheap pre-check on the hot path: only then is `check` (which may read the log) worth a thread."""
        return model_uuid not in self._raised and live.n >= self.policy.min_pairs

    def check(self, model_name: str, model_uuid: str, live: RegressionState) -> bool:
        """Blocking (reads and writes the platform log): call from a thread."""
        if model_uuid in self._raised:
            return False
        reference = self.reference(model_uuid)
        if not self.policy.breached(live, reference):
            return False
        self._raised.add(model_uuid)
        self.platform.raise_alert(
            "live_rmse_degraded", f"{model_name}:{model_uuid}", "WARNING",
            f"{model_name} ({model_uuid}) live RMSE {live.rmse:.1f} over {live.n} pairs exceeds "
            f"{self.policy.max_ratio}x its held-out RMSE {reference:.1f}",
            live.rmse, self.policy.max_ratio * reference)
        log.warning("alert raised for %s: live RMSE %.1f", model_uuid, live.rmse)
        return True
