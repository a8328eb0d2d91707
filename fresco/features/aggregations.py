"""Windowed aggregation over event time: one implementation for Faust and Spark.

``RollingWindow`` holds one entity's recent (event_time, value) pairs. The Faust
agent keeps one per entity in a table; the Spark job builds one per entity group
via ``rolling_values``/``snapshot_values``. Neither engine re-implements the
semantics: a value *as of t* aggregates the events with ``t - window < ts <= t``.

>>> w = RollingWindow(window_ms=3_600_000)
>>> w.add(0, 10.0); w.add(1_800_000, 20.0)
>>> w.value_at(1_800_000, "mean")
15.0
>>> w.value_at(3_600_000, "mean")  # the event at 0 left the window
20.0
"""

from __future__ import annotations

import bisect
import math
from typing import Callable, Iterable, Sequence

from fresco.errors import FrescoError


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


AGGREGATIONS: dict[str, Callable[[Sequence[float]], float | None]] = {
    "mean": _mean,
    "sum": lambda v: math.fsum(v),
    "count": lambda v: float(len(v)),
    "min": lambda v: min(v) if v else None,
    "max": lambda v: max(v) if v else None,
}


def aggregate(name: str, values: Sequence[float]) -> float | None:
    try:
        fn = AGGREGATIONS[name]
    except KeyError:
        raise FrescoError(f"unknown aggregation {name!r}; known: {', '.join(AGGREGATIONS)}") from None
    return fn(values)


class RollingWindow:
    """Event-time window state for one entity; serializable to a list of pairs."""

    __slots__ = ("window_ms", "retention_ms", "_ts", "_values")

    def __init__(self, window_ms: int, allowed_lateness_ms: int = 0,
                 pairs: Iterable[Sequence[float]] = ()):
        if window_ms <= 0:
            raise FrescoError(f"window must be positive, got {window_ms} ms")
        self.window_ms = window_ms
        self.retention_ms = window_ms + allowed_lateness_ms
        self._ts: list[int] = []
        self._values: list[float] = []
        for ts, value in pairs:
            self.add(int(ts), float(value))

    def add(self, ts_ms: int, value: float) -> None:
        # bisect_right keeps arrival order among equal timestamps.
        i = bisect.bisect_right(self._ts, ts_ms)
        self._ts.insert(i, ts_ms)
        self._values.insert(i, value)

    def values_at(self, as_of_ms: int) -> list[float]:
        lo = bisect.bisect_right(self._ts, as_of_ms - self.window_ms)
        hi = bisect.bisect_right(self._ts, as_of_ms)
        return self._values[lo:hi]

    def value_at(self, as_of_ms: int, aggregation: str) -> float | None:
        return aggregate(aggregation, self.values_at(as_of_ms))

    def evict(self, watermark_ms: int) -> None:
        """Forget events no query at or after `watermark_ms` can need."""
        cut = bisect.bisect_right(self._ts, watermark_ms - self.retention_ms)
        if cut:
            del self._ts[:cut]
            del self._values[:cut]

    @property
    def latest_ms(self) -> int | None:
        return self._ts[-1] if self._ts else None

    def to_pairs(self) -> list[list[float]]:
        return [[ts, v] for ts, v in zip(self._ts, self._values)]

    def __len__(self) -> int:
        return len(self._ts)


def rolling_values(events: Iterable[tuple[int, float]], window_ms: int, aggregation: str
                   ) -> list[tuple[int, float | None]]:
    """The value after each event, as the stream agent emits it (events in event-time order)."""
    state = RollingWindow(window_ms)
    out = []
    for ts, value in sorted(events, key=lambda e: e[0]):
        state.add(ts, value)
        out.append((ts, state.value_at(ts, aggregation)))
        state.evict(ts)
    return out


def snapshot_values(events: Iterable[tuple[int, float]], window_ms: int, aggregation: str,
                    as_of: Iterable[int]) -> list[tuple[int, float | None]]:
    """The value at each `as_of` instant (e.g. every midnight), for batch features."""
    state = RollingWindow(window_ms, pairs=events)
    return [(t, state.value_at(t, aggregation)) for t in as_of]
