"""The Spark job computes features by the same code as the stream agent: same numbers."""

import random
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from batch.features import feature_rows, write_feature_table
from fresco.features.aggregations import rolling_values, snapshot_values
from fresco.features.definitions import PREP_TIME_MEAN_1H, PREP_TIME_MEAN_7D
from fresco.timeutil import utcnow

pytestmark = pytest.mark.spark
T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)
DAY = 86_400_000


def _events(seed=5, n=400):
    rng = random.Random(seed)
    rows = [(f"r{rng.randrange(5)}", T0 + timedelta(seconds=rng.randrange(0, 4 * 86400)),
             round(rng.uniform(100, 2000), 1)) for _ in range(n)]
    return pd.DataFrame(rows, columns=["restaurant_id", "event_time", "prep_time_s"])


def _ms(ts):
    return int(pd.Timestamp(ts).timestamp() * 1000)


def test_stream_view_rows_equal_the_pure_function(spark):
    events = _events()
    got = feature_rows(spark.createDataFrame(events), PREP_TIME_MEAN_1H, utcnow()).toPandas()
    for entity, group in events.groupby("restaurant_id"):
        expected = rolling_values([(_ms(t), v) for t, v in zip(group.event_time, group.prep_time_s)],
                                  PREP_TIME_MEAN_1H.window_ms, "mean")
        mine = got[got.entity_key == entity].sort_values("event_time", kind="stable")
        assert [_ms(t) for t in mine.event_time] == [t for t, _ in expected]
        assert mine.value.tolist() == pytest.approx([v for _, v in expected], rel=1e-12)


def test_batch_view_snapshots_at_midnights_the_data_reached(spark):
    events = _events()
    got = feature_rows(spark.createDataFrame(events), PREP_TIME_MEAN_7D, utcnow()).toPandas()
    for entity, group in events.groupby("restaurant_id"):
        pairs = [(_ms(t), v) for t, v in zip(group.event_time, group.prep_time_s)]
        first, last = min(p[0] for p in pairs) // DAY + 1, max(p[0] for p in pairs) // DAY
        expected = snapshot_values(pairs, PREP_TIME_MEAN_7D.window_ms, "mean",
                                   [d * DAY for d in range(first, last + 1)])
        mine = got[got.entity_key == entity].sort_values("event_time")
        assert [_ms(t) for t in mine.event_time] == [t for t, _ in expected]
        assert mine.value.tolist() == pytest.approx([v for _, v in expected], rel=1e-12)
        assert max(_ms(t) for t in mine.event_time) <= max(p[0] for p in pairs)


def test_rewriting_a_feature_table_does_not_duplicate(spark, tmp_path):
    rows = feature_rows(spark.createDataFrame(_events()), PREP_TIME_MEAN_7D, utcnow())
    uri = write_feature_table(rows, str(tmp_path), PREP_TIME_MEAN_7D.name)
    first = spark.read.parquet(uri).count()
    write_feature_table(rows, str(tmp_path), PREP_TIME_MEAN_7D.name)
    assert spark.read.parquet(uri).count() == first > 0
    import pyarrow.parquet as pq
    files = list(tmp_path.rglob("*.parquet"))
    assert pq.read_schema(files[0]).field("event_time").type.tz == "UTC"
