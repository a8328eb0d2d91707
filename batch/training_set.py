"""Point-in-time training sets: an as-of join that cannot see the future.

For each label row and each feature view, take the latest feature value whose
event time is at or before the label's event time (ties count as "before") and
not older than the view's TTL. Implemented as a union + windowed last-non-null
per entity, O(n log n), no cross join.
"""

from __future__ import annotations

from datetime import timedelta

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window


def point_in_time_join(labels: DataFrame, entity_col: str, time_col: str,
                       features: dict[str, tuple[DataFrame, timedelta]],
                       bound_by_ingest: bool = False) -> DataFrame:
    """labels: any columns incl. entity_col and time_col.
    features: output column -> (DataFrame[entity_key, value, event_time(, ingest_time)], ttl).

    bound_by_ingest: also require ingest_time <= the label's time, so a row shows
    what the online store held at that moment (late data serving could not have
    seen is excluded). A row becomes visible at max(event_time, ingest_time); per
    entity, values are emitted in event-time order, so the last visible row is
    also the one with the newest event time.
    """
    # Materialize the ids once: monotonically_increasing_id is not stable across re-evaluation.
    labels = labels.withColumn("_row", F.monotonically_increasing_id()).localCheckpoint()
    out = labels
    for column, (rows, ttl) in features.items():
        left = labels.select(F.col(entity_col).alias("_k"), F.col(time_col).alias("_t"),
                             F.col("_row"), F.lit(1).alias("_label"),
                             F.lit(None).cast("double").alias("_v"),
                             F.lit(None).cast("timestamp").alias("_ft"))
        visible = F.greatest("event_time", "ingest_time") if bound_by_ingest else F.col("event_time")
        right = rows.select(F.col("entity_key").alias("_k"), visible.alias("_t"),
                            F.lit(None).cast("long").alias("_row"), F.lit(0).alias("_label"),
                            F.col("value").cast("double").alias("_v"),
                            F.col("event_time").alias("_ft"))
        # Feature rows sort before label rows at the same instant: "at or before".
        order = Window.partitionBy("_k").orderBy("_t", "_label").rowsBetween(
            Window.unboundedPreceding, Window.currentRow)
        # The struct is null only on label rows, so a feature row whose value is
        # null still counts as the latest knowledge (the value stays null).
        latest = F.last(F.when(F.col("_label") == 0, F.struct("_ft", "_v")), ignorenulls=True)
        joined = (left.unionByName(right).withColumn("_latest", latest.over(order))
                  .filter("_label = 1")
                  .select("_row", "_t", F.col("_latest._ft").alias("_last_t"),
                          F.col("_latest._v").alias("_last_v")))
        fresh = F.col("_last_t") >= (F.col("_t") - F.expr(f"INTERVAL {int(ttl.total_seconds())} SECONDS"))
        picked = joined.select(
            "_row",
            F.when(fresh, F.col("_last_v")).alias(column),
            F.when(fresh, F.col("_last_t")).alias(f"{column}__event_time"),
        )
        out = out.join(picked, "_row", "left")
    return out.drop("_row")
