from datetime import datetime, timedelta, timezone

import pyarrow as pa

from fresco.stores import lake
from streams.avro import load

T0 = datetime(2026, 11, 2, 23, 59, tzinfo=timezone.utc)


def test_arrow_schema_follows_avro():
    schema = lake.arrow_schema(load("lake/feature_row"))
    assert schema.field("entity_key").type == pa.string() and not schema.field("entity_key").nullable
    assert schema.field("value").type == pa.float64() and schema.field("value").nullable
    assert schema.field("event_time").type == pa.timestamp("ms", tz="UTC")


def _rows():
    return [{"entity_key": "r1", "value": 1.0, "event_time": T0, "ingest_time": T0},
            {"entity_key": "r2", "value": None, "event_time": T0 + timedelta(minutes=2), "ingest_time": T0}]


def test_partitioned_by_date_and_idempotent(tmp_path):
    root = str(tmp_path)
    first = lake.write_partitioned(root, "features", "a.b", "lake/feature_row", _rows())
    assert sorted(p.split("/")[-2] for p in first) == ["date=2026-11-02", "date=2026-11-03"]
    again = lake.write_partitioned(root, "features", "a.b", "lake/feature_row", _rows())
    assert again == first
    table = lake.read_table(root, "features", "a.b")
    assert table.num_rows == 2
    assert sorted(table.column("entity_key").to_pylist()) == ["r1", "r2"]
    assert not list(tmp_path.rglob("*.tmp"))
