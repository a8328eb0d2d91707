"""Feature DSL: a 20-expression config vs the same work written by hand in Python,
and the Spark batch path's rows/s, measured in one run."""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bench.common import percentile, table
from fresco.dsl.checker import check_program
from fresco.dsl.compile_python import compile_python
from fresco.dsl.compile_spark import compile_spark

REQUEST = {"distance_km": "number", "event_time": "timestamp", "cuisine": "string", "basket": "number"}
F1, F7 = "restaurant.prep_time_mean_1h", "restaurant.prep_time_mean_7d"
EXPRESSIONS = [
    ("hour", "hour_of_day(@request.event_time, 'UTC')"),
    ("hour_local", "hour_of_day(@request.event_time, 'Europe/Paris')"),
    ("weekday", "day_of_week(@request.event_time, 'UTC')"),
    ("weekend", "if(is_weekend(@request.event_time, 'UTC'), 1, 0)"),
    ("dist", "fill(@request.distance_km, 0)"),
    ("dist_bucket", "bucketize(dist, [1, 2, 4, 8])"),
    ("dist_log", "log(dist + 1)"),
    ("dist_clip", "clip(dist, 0, 10)"),
    ("prep_1h", f"fill(@feature.{F1}, 900)"),
    ("prep_7d", f"fill(@feature.{F7}, 900)"),
    ("busy", "clip(prep_1h / prep_7d, 0, 5)"),
    ("prep_z", "normalize(prep_1h)"),
    ("prep_mm", "minmax(prep_7d)"),
    ("cuisine_idx", "index(lower(@request.cuisine), ['pizza', 'sushi', 'burger'])"),
    ("is_pizza", "one_hot(lower(@request.cuisine), 'pizza')"),
    ("fast_food", "if(isin(lower(@request.cuisine), ['burger', 'pizza']), 1, 0)"),
    ("basket", "fill(@request.basket, 1)"),
    ("big_basket", "if(basket > 3, 1, 0)"),
    ("rush", "if(hour >= 11 and hour <= 13 or hour >= 18 and hour <= 20, 1, 0)"),
    ("eta_guess", "prep_1h / 60 + dist * 3"),
]
STATS = {"prep_z#0": {"mean": 900.0, "stddev": 300.0, "min": 0.0, "max": 1.0},
         "prep_mm#0": {"mean": 0.0, "stddev": 1.0, "min": 200.0, "max": 3000.0}}
PARIS = ZoneInfo("Europe/Paris")


def by_hand(req: dict, feats: dict) -> list:
    t = req["event_time"]
    hour = float(t.hour)
    dist = req["distance_km"] if req["distance_km"] is not None else 0.0
    p1 = feats.get(F1) if feats.get(F1) is not None else 900.0
    p7 = feats.get(F7) if feats.get(F7) is not None else 900.0
    cuisine = req["cuisine"].lower() if req["cuisine"] is not None else None
    basket = req["basket"] if req["basket"] is not None else 1.0
    cats = ["pizza", "sushi", "burger"]
    return [hour, float(t.astimezone(PARIS).hour), float(t.weekday()), 1.0 if t.weekday() >= 5 else 0.0, dist,
            float(sum(1 for b in (1, 2, 4, 8) if b <= dist)), math.log(dist + 1) if dist + 1 > 0 else None,
            min(max(dist, 0), 10), p1, p7, min(max(p1 / p7, 0), 5), (p1 - 900.0) / 300.0, (p7 - 200.0) / 2800.0,
            float(cats.index(cuisine)) if cuisine in cats else -1.0, 1.0 if cuisine == "pizza" else 0.0,
            1.0 if cuisine in ("burger", "pizza") else 0.0, basket, 1.0 if basket > 3 else 0.0,
            1.0 if (11 <= hour <= 13) or (18 <= hour <= 20) else 0.0, p1 / 60 + dist * 3]


def run(spark=None, n: int = 20000) -> str:
    program = check_program(REQUEST, EXPRESSIONS, {F1, F7})
    vector = compile_python(program, STATS)
    req = {"distance_km": 3.2, "event_time": datetime(2026, 11, 7, 12, 30, tzinfo=timezone.utc),
           "cuisine": "Pizza", "basket": 2.0}
    feats = {F1: 1100.0, F7: 950.0}
    if [round(v, 9) for v in vector(req, feats)] != [round(v, 9) for v in by_hand(req, feats)]:
        raise AssertionError("the hand-written function does not compute what the config does")

    def timed(fn) -> list[float]:
        out = []
        for _ in range(n):
            t = time.perf_counter()
            fn(req, feats)
            out.append(time.perf_counter() - t)
        return out

    timed(by_hand)
    hand, dsl = timed(by_hand), timed(vector)
    rows = [["hand-written Python", f"{percentile(hand, 0.5) * 1e6:.1f}", f"{percentile(hand, 0.99) * 1e6:.1f}", "1.00"],
            ["compiled DSL (Python)", f"{percentile(dsl, 0.5) * 1e6:.1f}", f"{percentile(dsl, 0.99) * 1e6:.1f}",
             f"{percentile(dsl, 0.5) / percentile(hand, 0.5):.2f}"]]
    out = table("feature DSL, one request, 20 expressions (ratio = p50 / hand-written p50; goal <= 2)",
                ["path", "p50 us", "p99 us", "ratio"], rows)
    if spark is not None:
        from pyspark.sql import functions as F

        frame = (spark.range(1_000_000)
                 .select((F.col("id") % 97 / 10.0).alias("distance_km"),
                         F.timestamp_seconds(F.lit(1793750400) + F.col("id") * 7).alias("event_time"),
                         F.when(F.col("id") % 3 == 0, "Pizza").otherwise("sushi").alias("cuisine"),
                         (F.col("id") % 5).cast("double").alias("basket"),
                         (F.col("id") % 2000).cast("double").alias("restaurant__prep_time_mean_1h"),
                         F.lit(950.0).alias("restaurant__prep_time_mean_7d")))
        columns = [c for _, c in compile_spark(program, STATS)]
        frame.select(*columns).write.format("noop").mode("overwrite").save()  # warm-up
        t = time.perf_counter()
        frame.select(*columns).write.format("noop").mode("overwrite").save()
        seconds = time.perf_counter() - t
        out += table("feature DSL, Spark batch path (local[2])", ["rows", "seconds", "rows/s"],
                     [["1,000,000", f"{seconds:.1f}", f"{1_000_000 / seconds:,.0f}"]])
    return out
