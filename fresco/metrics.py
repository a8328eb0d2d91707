"""Streaming regression metrics: mergeable sufficient statistics, no stored pairs.

>>> s = RegressionState()
>>> for y, p in [(3.0, 2.5), (5.0, 5.0), (2.0, 3.0)]:
...     s.update(y, p)
>>> round(s.mae, 4)
0.5
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass
class RegressionState:
    n: int = 0
    sum_y: float = 0.0
    sum_y2: float = 0.0
    sse: float = 0.0
    sae: float = 0.0
    ssle: float = 0.0  # squared log1p errors, for RMSLE; only over non-negative pairs
    n_log: int = 0

    def update(self, y_true: float, y_pred: float) -> None:
        err = y_pred - y_true
        self.n += 1
        self.sum_y += y_true
        self.sum_y2 += y_true * y_true
        self.sse += err * err
        self.sae += abs(err)
        if y_true >= 0 and y_pred >= 0:
            d = math.log1p(y_pred) - math.log1p(y_true)
            self.ssle += d * d
            self.n_log += 1

    def merge(self, other: "RegressionState") -> "RegressionState":
        return RegressionState(*(a + b for a, b in zip(asdict(self).values(), asdict(other).values())))

    @property
    def rmse(self) -> float:
        return math.sqrt(self.sse / self.n) if self.n else math.nan

    @property
    def mae(self) -> float:
        return self.sae / self.n if self.n else math.nan

    @property
    def r2(self) -> float:
        if self.n < 2:
            return math.nan
        sst = self.sum_y2 - self.sum_y * self.sum_y / self.n
        return 1.0 - self.sse / sst if sst > 0 else math.nan

    @property
    def rmsle(self) -> float:
        return math.sqrt(self.ssle / self.n_log) if self.n_log else math.nan

    def summary(self) -> dict[str, float]:
        return {"n": float(self.n), "rmse": self.rmse, "mae": self.mae, "r2": self.r2, "rmsle": self.rmsle}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None) -> "RegressionState":
        return cls(**d) if d else cls()
