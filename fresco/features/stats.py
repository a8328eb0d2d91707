"""Quality and freshness of a feature view, computed from its offline table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from fresco.stores import lake
from fresco.timeutil import UTC


@dataclass(frozen=True)
class FeatureStats:
    rows: int
    entities: int
    null_rate: float
    last_event_time: datetime | None
    last_ingest_time: datetime | None
    rows_last_day: int  # rows whose event time is within a day of the newest one
    mean: float | None
    stddev: float | None
    minimum: float | None
    median: float | None
    maximum: float | None


def feature_stats(lake_root: str, view: str) -> FeatureStats | None:
    table = lake.read_table(lake_root, "features", view, ["entity_key", "value", "event_time", "ingest_time"])
    if table.num_rows == 0:
        return None
    values = table.column("value")
    present = pc.drop_null(values)
    last_event = pc.max(table.column("event_time")).as_py()
    last_event = last_event.astimezone(UTC) if last_event else None
    last_ingest = pc.max(table.column("ingest_time")).as_py()
    recent = 0
    if last_event is not None:
        cutoff = last_event - timedelta(days=1)
        times = table.column("event_time").cast(pa.timestamp("ms", tz="UTC"))
        recent = pc.sum(pc.greater(times, pa.scalar(cutoff, type=times.type))).as_py() or 0

    def q(x: float):
        return pc.quantile(present, q=x)[0].as_py() if len(present) else None

    return FeatureStats(
        rows=table.num_rows,
        entities=pc.count_distinct(table.column("entity_key")).as_py(),
        null_rate=values.null_count / table.num_rows,
        last_event_time=last_event,
        last_ingest_time=last_ingest.astimezone(UTC) if last_ingest else None,
        rows_last_day=recent,
        mean=pc.mean(present).as_py() if len(present) else None,
        stddev=pc.stddev(present, ddof=1).as_py() if len(present) > 1 else None,
        minimum=q(0.0), median=q(0.5), maximum=q(1.0),
    )
