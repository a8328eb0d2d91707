"""Progress lines while the demo runs, and the final report."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Progress:
    out: TextIO = sys.stdout
    started: float = field(default_factory=time.monotonic)

    def stage(self, n: int, name: str, text: str) -> None:
        self.out.write(f"[{n}/6] {name:<8} {text}\n")
        self.out.flush()

    def note(self, text: str) -> None:
        self.out.write(f"      {time.monotonic() - self.started:6.1f}s  {text}\n")
        self.out.flush()


@dataclass
class DemoReport:
    lines: dict[int, str] = field(default_factory=dict)
    holdout: dict[str, dict[str, float]] = field(default_factory=dict)  # model -> metrics
    live: dict[str, float] = field(default_factory=dict)
    live_check: dict[str, float] = field(default_factory=dict)
    live_pairs: list[tuple[float, float]] = field(default_factory=list)  # (truth, served prediction)
    model_uuid: str = ""
    elapsed_s: float = 0.0

    @property
    def streaming_feature_helps(self) -> bool:
        full = self.holdout["etd"]["rmse"]
        ablated = self.holdout["etd_no_1h"]["rmse"]
        mean = self.holdout["mean"]["rmse"]
        return full < 0.9 * ablated and ablated < mean and full < mean

    def render(self) -> str:
        names = ["data", "stream", "batch", "train", "serve", "monitor"]
        out = ["", "Fresco ETD demo report", "=" * 22]
        out += [f"{i}. {names[i - 1]:<8} {self.lines.get(i, '(not reached)')}" for i in range(1, 7)]
        out += ["", "Held-out RMSE (later time slice, seconds):",
                f"  {'model':<34} {'RMSE':>8} {'MAE':>8} {'R2':>7}"]
        labels = {"etd": "XGBoost, with 1h streaming feature", "etd_no_1h": "XGBoost, without 1h feature",
                  "mean": "predict the training mean"}
        for key in ("etd", "etd_no_1h", "mean"):
            m = self.holdout.get(key)
            if m:
                out.append(f"  {labels[key]:<34} {m['rmse']:8.1f} {m['mae']:8.1f} {m['r2']:7.3f}")
        if self.holdout:
            verdict = "yes" if self.streaming_feature_helps else "NO"
            out.append(f"  streaming feature carries signal: {verdict}")
        if self.live and self.live_check:
            same = abs(self.live["rmse"] - self.live_check["rmse"]) <= 1e-6 * max(1.0, self.live_check["rmse"])
            out.append(f"\nLive metrics from the monitor agent equal a recomputation over the same "
                       f"{int(self.live_check['n']):,} (outcome, served prediction) pairs: {'yes' if same else 'NO'}")
        out.append(f"\nfinished in {self.elapsed_s:.0f}s")
        return "\n".join(out)
