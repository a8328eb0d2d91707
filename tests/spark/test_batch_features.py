"""The Spark job folds each entity with the same FeatureFold the agent runs: same numbers."""

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from batch.features import feature_rows, write_feature_table
from fresco.features.definitions import PREP_TIME_MEAN_1H, PREP_TIME_MEAN_7D
from fresco.timeutil import utcnow

pytestmark = pytest.mark.spark
T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)


def _events(seed=5, n=400, disorder_s=0):
    """Records in arrival order; event times jitter back by up to `disorder_s`."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        t = T0 + timedelta(seconds=i * 4 * 86400 // n - rng.randrange(0, disorder_s + 1))
        rows.append((f"r{rng.randrange(5)}", t, round(rng.uniform(100, 2000), 1),
                     T0, 0, i))
    return pd.DataFrame(rows, columns=["restaurant_id", "event_time", "prep_time_s",
                                       "_archived_at", "_partition", "_offset"])


def _ms(ts):
    return int(pd.Timestamp(ts).timestamp() * 1000)


@pytest.mark.parametrize("view", [
    PREP_TIME_MEAN_1H,
    PREP_TIME_MEAN_7D,
    replace(PREP_TIME_MEAN_1H, aggregation="stddev", window_kind="tumbling", allowed_lateness=timedelta(minutes=30)),
    replace(PREP_TIME_MEAN_1H, aggregation="approx_distinct", window_kind="lifetime"),
], ids=["sliding-mean", "hopping-mean", "tumbling-stddev-late", "lifetime-distinct"])
def test_spark_rows_equal_the_fold(spark, view):
    events = _events(disorder_s=3600)
    got = feature_rows(spark.createDataFrame(events), view, utcnow()).toPandas()
    fold = view.fold()
    for entity, group in events.groupby("restaurant_id"):
        expected, _ = fold.run([(_ms(t), v) for t, v in zip(group.event_time, group.prep_time_s)])
        mine = got[got.entity_key == entity]
        assert [_ms(t) for t in mine.event_time] == [u.event_time_ms for u in expected]
        got_values = [None if pd.isna(v) else v for v in mine.value]
        assert len(got_values) == len(expected) > 0
        for a, b in zip(got_values, expected):
            assert (a is None and b.value is None) or a == pytest.approx(b.value, rel=1e-12)


def test_rewriting_a_feature_table_does_not_duplicate(spark, tmp_path):
    rows = feature_rows(spark.createDataFrame(_events()), PREP_TIME_MEAN_7D, utcnow())
    uri = write_feature_table(rows, str(tmp_path), PREP_TIME_MEAN_7D.name)
    first = spark.read.parquet(uri).count()
    write_feature_table(rows, str(tmp_path), PREP_TIME_MEAN_7D.name)
    assert spark.read.parquet(uri).count() == first > 0
    import pyarrow.parquet as pq
    files = list(tmp_path.rglob("*.parquet"))
    assert pq.read_schema(files[0]).field("event_time").type.tz == "UTC"
