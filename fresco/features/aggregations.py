"""Aggregation functions over one window's events: the single implementation.

Both engines reach these through fresco.features.fold; nothing else computes a
feature value. Inputs are the window's values in (event_time, arrival) order.

>>> aggregate("mean", [1.0, 2.0, 6.0])
3.0
>>> aggregate("last", [5.0, 7.0])
7.0
>>> aggregate("stddev", [2.0]) is None
True
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

from fresco.errors import FrescoError
from fresco.features.hll import HyperLogLog


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _stddev(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n - 1), as Spark's stddev; None below two values."""
    if len(values) < 2:
        return None
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


def _approx_distinct(values: Sequence[float]) -> float | None:
    if not values:
        return 0.0
    hll = HyperLogLog()
    for v in values:
        hll.add(repr(v))
    return float(round(hll.estimate()))


AGGREGATIONS: dict[str, Callable[[Sequence[float]], float | None]] = {
    "count": lambda v: float(len(v)),
    "sum": lambda v: math.fsum(v),
    "mean": _mean,
    "min": lambda v: min(v) if v else None,
    "max": lambda v: max(v) if v else None,
    "last": lambda v: v[-1] if v else None,
    "stddev": _stddev,
    "approx_distinct": _approx_distinct,
}


def aggregate(name: str, values: Sequence[float]) -> float | None:
    try:
        fn = AGGREGATIONS[name]
    except KeyError:
        raise FrescoError(f"unknown aggregation {name!r}; known: {', '.join(AGGREGATIONS)}") from None
    return fn(values)
