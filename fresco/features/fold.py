"""The per-entity stateful fold that defines a feature view's values.

This is the one implementation of window + aggregation + lateness semantics.
The Faust agent calls ``process`` per record (state kept in a Faust table); the
Spark job calls ``run`` per entity over the archived records in arrival
(offset) order. Same input order, same code, same numbers.

Semantics, per entity (the watermark is the largest event time seen for it):
- a record older than ``watermark - allowed_lateness`` is late: rejected, and
  the caller dead-letters it;
- sliding / lifetime views emit after every accepted record, stamped at the
  watermark (so a value never includes events after its timestamp);
- tumbling / hopping views emit a window when the watermark reaches its end,
  stamped at the window end, and again if a late-but-allowed record changes it.
  Windows without records emit nothing.

>>> from fresco.features.windows import WindowSpec
>>> fold = FeatureFold("sum", WindowSpec("tumbling", 10), allowed_lateness_ms=0)
>>> fold.run([(1, 1.0), (5, 2.0), (12, 4.0), (25, 8.0)])
([Update(event_time_ms=10, value=3.0), Update(event_time_ms=20, value=4.0)], 0)
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Any, Iterable

from fresco.features.aggregations import AGGREGATIONS, aggregate
from fresco.features.hll import HyperLogLog
from fresco.errors import FrescoError
from fresco.features.windows import WindowSpec


@dataclass(frozen=True)
class Update:
    event_time_ms: int
    value: float | None


class FeatureFold:
    def __init__(self, aggregation: str, window: WindowSpec, allowed_lateness_ms: int = 0):
        if aggregation not in AGGREGATIONS:
            raise FrescoError(f"unknown aggregation {aggregation!r}; known: {', '.join(AGGREGATIONS)}")
        if allowed_lateness_ms < 0:
            raise FrescoError(f"allowed lateness must be >= 0, got {allowed_lateness_ms} ms")
        self.aggregation = aggregation
        self.window = window
        self.lateness = allowed_lateness_ms

    @staticmethod
    def new_state() -> dict[str, Any]:
        return {"wm": None, "seq": 0, "ev": [], "life": None}

    def is_late(self, state: dict[str, Any], ts: int) -> bool:
        return state["wm"] is not None and ts < state["wm"] - self.lateness

    def process(self, state: dict[str, Any], ts: int, value: float) -> list[Update] | None:
        """Fold one record into `state` (mutated); None when the record is late."""
        if self.is_late(state, ts):
            return None
        old_wm = state["wm"]
        state["wm"] = ts if old_wm is None else max(old_wm, ts)
        state["seq"] += 1
        if self.window.kind == "lifetime":
            return self._lifetime(state, ts, value)
        events = state["ev"]
        bisect.insort(events, [ts, state["seq"], value])
        if self.window.kind == "sliding":
            updates = [Update(state["wm"], self._value(events, state["wm"] - self.window.size_ms, state["wm"],
                                                      closed_right=True))]
            self._evict(events, state["wm"] - self.window.size_ms)
            return updates
        updates = self._closed_windows(events, old_wm, state["wm"], ts)
        self._evict(events, state["wm"] - self.lateness - self.window.size_ms)
        return updates

    def run(self, records: Iterable[tuple[int, float]]) -> tuple[list[Update], int]:
        """Fold records given in arrival order; returns (updates, late count)."""
        state, out, late = self.new_state(), [], 0
        for ts, value in records:
            updates = self.process(state, ts, value)
            if updates is None:
                late += 1
            else:
                out.extend(updates)
        return out, late

    # -- internals -------------------------------------------------------------------
    def _value(self, events: list, lo: int, hi: int, closed_right: bool) -> float | None:
        """Aggregate events with lo < ts <= hi (sliding) or lo <= ts < hi (fixed)."""
        if closed_right:
            start = bisect.bisect_right(events, [lo, math.inf])
            stop = bisect.bisect_right(events, [hi, math.inf])
        else:
            start = bisect.bisect_left(events, [lo])
            stop = bisect.bisect_left(events, [hi])
        return aggregate(self.aggregation, [e[2] for e in events[start:stop]])

    def _closed_windows(self, events: list, old_wm: int | None, wm: int, ts: int) -> list[Update]:
        ends: set[int] = set()
        if old_wm is not None:
            step = self.window.step
            first = (old_wm // step + 1) * step  # window ends are multiples of the step
            ends.update(range(first, wm + 1, step))
            # An accepted late record re-opens the already-emitted windows it falls in.
            ends.update(end for _, end in self.window.windows_of(ts) if end <= old_wm)
        updates = []
        for end in sorted(ends):
            start = end - self.window.size_ms
            lo = bisect.bisect_left(events, [start])
            hi = bisect.bisect_left(events, [end])
            if hi > lo:
                updates.append(Update(end, aggregate(self.aggregation, [e[2] for e in events[lo:hi]])))
        return updates

    @staticmethod
    def _evict(events: list, cutoff: int) -> None:
        """Drop events with ts <= cutoff: no future emission can include them."""
        cut = bisect.bisect_right(events, [cutoff, math.inf])
        if cut:
            del events[:cut]

    def _lifetime(self, state: dict[str, Any], ts: int, value: float) -> list[Update]:
        life = state["life"] or {"n": 0, "sum": 0.0, "mean": 0.0, "m2": 0.0, "min": None, "max": None,
                                 "last": None, "hll": None}
        life["n"] += 1
        life["sum"] += value
        delta = value - life["mean"]  # Welford: stable running variance
        life["mean"] += delta / life["n"]
        life["m2"] += delta * (value - life["mean"])
        life["min"] = value if life["min"] is None else min(life["min"], value)
        life["max"] = value if life["max"] is None else max(life["max"], value)
        if life["last"] is None or ts >= life["last"][0]:
            life["last"] = [ts, value]
        if self.aggregation == "approx_distinct":
            hll = HyperLogLog(bytes.fromhex(life["hll"]) if life["hll"] else None)
            hll.add(repr(value))
            life["hll"] = hll.registers.hex()
        state["life"] = life
        return [Update(state["wm"], self._lifetime_value(life))]

    def _lifetime_value(self, life: dict[str, Any]) -> float | None:
        agg, n = self.aggregation, life["n"]
        if agg == "count":
            return float(n)
        if agg == "sum":
            return life["sum"]
        if agg == "mean":
            return life["sum"] / n
        if agg == "stddev":
            return math.sqrt(life["m2"] / (n - 1)) if n > 1 else None
        if agg == "approx_distinct":
            return float(round(HyperLogLog(bytes.fromhex(life["hll"])).estimate()))
        if agg == "last":
            return life["last"][1]
        return life[agg]  # min, max
