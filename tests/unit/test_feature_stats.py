from datetime import datetime, timedelta, timezone

import pytest

from fresco.features.stats import feature_stats
from fresco.stores import lake

T = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_stats_by_hand(tmp_path):
    rows = [{"entity_key": f"e{i % 3}", "value": None if i % 4 == 0 else float(i),
             "event_time": T + timedelta(hours=i), "ingest_time": T + timedelta(hours=i, seconds=5)}
            for i in range(40)]
    lake.write_partitioned(str(tmp_path), "features", "a.b", "lake/feature_row", rows)
    s = feature_stats(str(tmp_path), "a.b")
    present = [float(i) for i in range(40) if i % 4]
    assert (s.rows, s.entities, s.null_rate) == (40, 3, 0.25)
    assert s.last_event_time == T + timedelta(hours=39)
    assert s.rows_last_day == 24  # hours 16..39 are within a day of hour 39 (exclusive)
    assert s.mean == pytest.approx(sum(present) / len(present))
    assert (s.minimum, s.maximum) == (1.0, 39.0)


def test_empty_table_has_no_stats(tmp_path):
    assert feature_stats(str(tmp_path), "x.y") is None
