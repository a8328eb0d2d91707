"""Point-in-time joins: adversarial cases, checked against a pandas merge_asof oracle."""

import random
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from batch.training_set import point_in_time_join

pytestmark = pytest.mark.spark
T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)


def _df(spark, rows, schema):
    return spark.createDataFrame(pd.DataFrame(rows, columns=schema.split(",")))


def _collect(df, column):
    pdf = df.toPandas().sort_values("label_id")
    return [None if pd.isna(v) else v for v in pdf[column]]


def test_hand_built_adversarial_cases(spark):
    labels = _df(spark, [
        (1, "a", T0 + timedelta(minutes=10)),   # equal timestamp with a feature row: included
        (2, "a", T0 + timedelta(minutes=5)),    # between two feature rows
        (3, "b", T0 + timedelta(minutes=10)),   # entity with no history
        (4, "c", T0 + timedelta(hours=5)),      # only stale history: beyond TTL -> null
        (5, "a", T0),                           # before any feature row
        (6, "d", T0 + timedelta(minutes=1)),    # latest row holds a null value -> null, not older value
    ], "label_id,entity,event_time")
    feats = _df(spark, [
        ("a", 1.0, T0 + timedelta(minutes=1)),
        ("a", 2.0, T0 + timedelta(minutes=10)),
        ("a", 99.0, T0 + timedelta(minutes=11)),  # the future: never used by label 1
        ("c", 5.0, T0),
        ("d", 4.0, T0),
        ("d", None, T0 + timedelta(seconds=30)),
    ], "entity_key,value,event_time")
    out = point_in_time_join(labels, "entity", "event_time", {"f": (feats, timedelta(hours=1))})
    assert _collect(out, "f") == [2.0, 1.0, None, None, None, None]


def _oracle(labels: pd.DataFrame, feats: pd.DataFrame, ttl: timedelta) -> list:
    l = labels.sort_values("event_time")
    f = feats.rename(columns={"entity_key": "entity"}).sort_values("event_time")
    f["feature_time"] = f["event_time"]
    m = pd.merge_asof(l, f, on="event_time", by="entity", direction="backward", allow_exact_matches=True)
    m.loc[m["event_time"] - m["feature_time"] > ttl, "value"] = None
    return [None if pd.isna(v) else v for v in m.sort_values("label_id")["value"]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_streams_match_merge_asof(spark, seed):
    rng = random.Random(seed)
    ents = [f"e{i}" for i in range(6)]
    minute = lambda: T0 + timedelta(minutes=rng.randrange(0, 600))  # coarse: many ties
    feat_rows, seen = [], set()
    for _ in range(300):
        e, t = rng.choice(ents), minute()
        if (e, t) in seen:  # merge_asof's tie order among equal feature times is unspecified
            continue
        seen.add((e, t))
        feat_rows.append((e, float(rng.randrange(1000)), t))
    label_rows = [(i, rng.choice(ents + ["nobody"]), minute()) for i in range(200)]
    labels = pd.DataFrame(label_rows, columns=["label_id", "entity", "event_time"])
    feats = pd.DataFrame(feat_rows, columns=["entity_key", "value", "event_time"])
    ttl = timedelta(minutes=45)
    out = point_in_time_join(spark.createDataFrame(labels), "entity", "event_time",
                             {"f": (spark.createDataFrame(feats), ttl)})
    assert _collect(out, "f") == _oracle(labels, feats, ttl)


def test_two_views_with_different_windows(spark):
    labels = _df(spark, [(1, "a", T0 + timedelta(hours=30))], "label_id,entity,event_time")
    hourly = _df(spark, [("a", 1.0, T0 + timedelta(hours=29, minutes=50))], "entity_key,value,event_time")
    daily = _df(spark, [("a", 7.0, T0 + timedelta(days=1)), ("a", 8.0, T0 + timedelta(days=2))],
                "entity_key,value,event_time")
    out = point_in_time_join(labels, "entity", "event_time",
                             {"h": (hourly, timedelta(hours=1)), "d": (daily, timedelta(days=2))}).toPandas()
    assert (out["h"].iloc[0], out["d"].iloc[0]) == (1.0, 7.0)


def test_ingest_time_bound_reproduces_what_serving_could_see(spark):
    labels = _df(spark, [(1, "a", T0 + timedelta(minutes=15))], "label_id,entity,event_time")
    feats = _df(spark, [
        ("a", 1.0, T0, T0),
        ("a", 2.0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=30)),  # arrived after the label time
    ], "entity_key,value,event_time,ingest_time")
    ttl = timedelta(hours=1)
    by_event = point_in_time_join(labels, "entity", "event_time", {"f": (feats, ttl)})
    by_ingest = point_in_time_join(labels, "entity", "event_time", {"f": (feats, ttl)}, bound_by_ingest=True)
    assert _collect(by_event, "f") == [2.0]
    assert _collect(by_ingest, "f") == [1.0]
