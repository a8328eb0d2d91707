"""Batch feature computation and backfill, by the same aggregation code the agents run.

Per entity group, Spark hands the events to fresco.features.aggregations
(rolling_values for stream views, snapshot_values at each UTC midnight for batch
views). The offline table is written with dynamic partition overwrite, so
re-running a date range replaces it instead of duplicating rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from datetime import datetime

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.window import Window

from fresco.features.definitions import FeatureView
from fresco.stores import lake
from fresco.stores.online import OnlineRow, OnlineStore
from fresco.timeutil import from_millis, utcnow
from batch.archive import ARRIVAL_COLUMNS, read_archive
from streams.avro import load
from streams.topics import topic

FEATURE_ROW = lake.arrow_schema(load("lake/feature_row"))


def feature_rows(events: DataFrame, view: FeatureView, ingest_time: datetime) -> DataFrame:
    """Fold each entity's records in arrival order with the view's FeatureFold.

    events: decoded source records with the view's entity key, value and event
    time fields, plus ARRIVAL_COLUMNS (see batch.archive.read_archive).
    """
    fold = view.fold()
    frame = events.select(F.col(view.entity_key).alias("entity_key"),
                          F.unix_millis(F.col(view.event_time_field)).alias("ts"),
                          F.col(view.value_field).cast("double").alias("v"),
                          *ARRIVAL_COLUMNS)

    def per_entity(pdf: pd.DataFrame) -> pd.DataFrame:
        pdf = pdf.sort_values(list(ARRIVAL_COLUMNS), kind="stable")
        updates, _late = fold.run(zip(pdf["ts"].tolist(), pdf["v"].tolist()))
        return pd.DataFrame({
            "entity_key": pdf["entity_key"].iloc[0],
            "value": pd.array([u.value for u in updates], dtype="Float64"),
            "event_time": pd.to_datetime([u.event_time_ms for u in updates], unit="ms", utc=True),
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
                    start: datetime | None = None, end: datetime | None = None,
                    progress: Callable[[str], None] = lambda step: None) -> BackfillResult:
    """Fold archived source records into the view's offline table (and seed online).

    With a range, records from `start - window - allowed lateness` feed the first
    windows, and only rows stamped in [start, end] are (re)written.
    """
    progress("fold archived records")
    events = read_archive(spark, lake_root, topic(view.source_topic))
    if start is not None and view.window_kind != "lifetime":
        # Records before `start` still feed the first windows in range.
        events = events.filter(F.col(view.event_time_field) >= F.lit(start - view.window - view.allowed_lateness))
    if end is not None:
        events = events.filter(F.col(view.event_time_field) < F.lit(end))
    rows = feature_rows(events, view, utcnow())
    if start is not None:
        rows = rows.filter(F.col("event_time") >= F.lit(start))
    if end is not None:
        # a window ending exactly at `end` summarizes the last records in range
        rows = rows.filter(F.col("event_time") <= F.lit(end))
    rows = rows.cache()
    count = rows.count()
    progress("write offline table")
    uri = write_feature_table(rows, lake_root, view.name)
    progress("seed online store")
    online = push_latest(rows, view, store) if (store is not None and view.online) else 0
    lo, hi = rows.agg(F.min(F.unix_millis("event_time")), F.max(F.unix_millis("event_time"))).first()
    rows.unpersist()
    return BackfillResult(view.name, count, online, uri, start or from_millis(lo or 0),
                          end or from_millis(hi or 0))
