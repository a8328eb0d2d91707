"""Shared bench helpers: an embedded stack in a throwaway home, percentiles, tables."""

from __future__ import annotations

import statistics
import tempfile
from contextlib import contextmanager
from pathlib import Path

from fresco import devstack
from fresco.config import FrescoConfig, load_config
from streams.kafka import ensure_topics


@contextmanager
def bench_stack(**overrides):
    with tempfile.TemporaryDirectory(prefix="fresco-bench-") as home:
        config = load_config(home=home, **overrides)
        state = devstack.up(config)
        ensure_topics(state["kafka"].address, config.topic_partitions)
        try:
            yield config
        finally:
            devstack.down(config)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) if i else str(c).ljust(w)
                                             for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([f"\n{title}", line(header), sep, *(line(r) for r in rows)])


def median(values: list[float]) -> float:
    return statistics.median(values)


def home_of(config: FrescoConfig) -> Path:
    return config.home
