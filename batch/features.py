"""Batch feature computation and backfill, by the same aggregation code the agents run.

Per entity group, Spark hands the events to fresco.features.aggregations
(rolling_values for stream views, snapshot_values at each UTC midnight for batch
views). The offline table is written with dynamic partition overwrite, so
re-running a date range replaces it instead of duplicating rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.window import Window

from fresco.features.aggregations import rolling_values, snapshot_values
from fresco.features.definitions import FeatureView
from fresco.stores import lake
from fresco.stores.online import OnlineRow, OnlineStore
from fresco.timeutil import from_millis, utcnow
from batch.archive import read_archive
from streams.avro import load
from streams.topics import topic

DAY_MS = 86_400_000
FEATURE_ROW = lake.arrow_schema(load("lake/feature_row"))


def feature_rows(events: DataFrame, view: FeatureView, ingest_time: datetime) -> DataFrame:
    """events: the source records (entity key field, value field, event_time)."""
    key, value_field = view.entity_key, view.value_field
    window_ms, agg, engine = view.window_ms, view.aggregation, view.engine
    frame = events.select(F.col(key).alias("entity_key"),
                          (F.unix_millis(F.col("event_time"))).alias("ts"),
                          F.col(value_field).cast("double").alias("v"))

    def per_entity(pdf: pd.DataFrame) -> pd.DataFrame:
        pairs = list(zip(pdf["ts"].tolist(), pdf["v"].tolist()))
        if engine == "stream":
            out = rolling_values(pairs, window_ms, agg)
        else:
            # Snapshots at each UTC midnight the data has reached, never ahead of it:
            # a value stamped in the future would reach serving before training could see it.
            first = min(ts for ts, _ in pairs) // DAY_MS + 1
            last = max(ts for ts, _ in pairs) // DAY_MS
            out = snapshot_values(pairs, window_ms, agg, [d * DAY_MS for d in range(first, last + 1)])
        return pd.DataFrame({
            "entity_key": pdf["entity_key"].iloc[0],
            "value": [v for _, v in out],
            "event_time": pd.to_datetime([t for t, _ in out], unit="ms", utc=True),
            "ingest_time": pd.Timestamp(ingest_time),
        })

    return frame.groupBy("entity_key").applyInPandas(per_entity, from_arrow_schema(FEATURE_ROW))


@dataclass(frozen=True)
class BackfillResult:
    view: str
    rows: int
    online_rows: int
    table_uri: str
    start: datetime
    end: datetime


def write_feature_table(rows: DataFrame, lake_root: str, view: str) -> str:
    uri = lake.table_uri(lake_root, "features", view)
    (rows.withColumn("date", F.date_format("event_time", "yyyy-MM-dd"))
         .write.mode("overwrite").partitionBy("date").parquet(uri))
    return uri


def push_latest(rows: DataFrame, view: FeatureView, store: OnlineStore) -> int:
    """Seed the online store with each entity's newest value (cold start)."""
    newest_first = Window.partitionBy("entity_key").orderBy(F.col("event_time").desc())
    latest = (rows.withColumn("rn", F.row_number().over(newest_first)).filter("rn = 1")
              .select("entity_key", "value", F.unix_millis("event_time").alias("ts")).collect())
    online = [OnlineRow(r["entity_key"], {"value": r["value"]}, r["ts"]) for r in latest]
    if online:
        store.write(view.name, int(view.ttl.total_seconds()), online)
    return len(online)


def run_feature_job(spark: SparkSession, lake_root: str, view: FeatureView, store: OnlineStore | None,
                    start: datetime | None = None, end: datetime | None = None) -> BackfillResult:
    events = read_archive(spark, lake_root, topic(view.source_topic))
    if start is not None:  # events before start still feed the first windows
        events = events.filter(F.col("event_time") >= F.lit(start - view.window))
    if end is not None:
        events = events.filter(F.col("event_time") < F.lit(end))
    rows = feature_rows(events, view, utcnow())
    if start is not None:
        rows = rows.filter(F.col("event_time") >= F.lit(start))
    if end is not None:
        # batch snapshots at midnight `end` summarize the last day in range
        rows = rows.filter(F.col("event_time") <= F.lit(end))
    rows = rows.cache()
    count = rows.count()
    uri = write_feature_table(rows, lake_root, view.name)
    online = push_latest(rows, view, store) if (store is not None and view.online) else 0
    lo, hi = rows.agg(F.min(F.unix_millis("event_time")), F.max(F.unix_millis("event_time"))).first()
    rows.unpersist()
    return BackfillResult(view.name, count, online, uri, start or from_millis(lo or 0),
                          end or from_millis(hi or 0))
