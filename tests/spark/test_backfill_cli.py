"""`fresco features backfill` end to end: archive -> Spark fold -> lake -> event, twice."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from agents.archiver import Archiver
from fresco.cli.main import cli
from fresco.features.definitions import PREP_TIME_MEAN_1H
from fresco.registry.client import PlatformClient
from fresco.stores import lake
from fresco.stores.online import ReadRequest
from fresco.stores.redis_store import RedisOnlineStore
from streams.kafka import EventProducer
from streams.lag import consumer_lag
from streams.topics import PREP_COMPLETED

pytestmark = [pytest.mark.spark, pytest.mark.integration]
T0 = datetime(2026, 10, 1, 23, 0, tzinfo=timezone.utc)


def test_backfill_twice_replaces_and_emits_events(config, bootstrap, spark):
    platform = PlatformClient(bootstrap, actor="test")
    platform.define_feature_view(PREP_TIME_MEAN_1H)
    producer = EventProducer(bootstrap, partitioner="murmur2_random")
    for i in range(6):  # 23:00..01:30 across midnight, 30 min apart, entity bf1
        producer.send(PREP_COMPLETED, {"order_id": f"bf-{i}", "restaurant_id": "bf1", "prep_time_s": 100.0 * (i + 1),
                                       "event_time": T0 + timedelta(minutes=30 * i)})
    producer.flush()
    archiver = Archiver(config, bootstrap, topics=(PREP_COMPLETED,), poll_s=0.1)
    thread = threading.Thread(target=archiver.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not all(p.lag == 0 and p.committed is not None
                  for p in consumer_lag(bootstrap, "fresco-archiver", [PREP_COMPLETED.name]) if p.high):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    archiver.stopping.set()
    thread.join(10)

    runner = CliRunner()
    args = ["--home", str(config.home), "features", "backfill", PREP_TIME_MEAN_1H.name,
            "--from", "2026-10-01", "--to", "2026-10-02", "--online"]
    for _ in range(2):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    table = lake.read_table(config.lake, "features", PREP_TIME_MEAN_1H.name).to_pandas()
    mine = table[table.entity_key == "bf1"].sort_values("event_time")
    # sliding 1h mean stamped at each record: 100, 150, 250, 350, 450, 550
    assert mine["value"].tolist() == [100.0, 150.0, 250.0, 350.0, 450.0, 550.0]
    assert sorted(set(table["date"].astype(str))) >= ["2026-10-01", "2026-10-02"]
    backfills = [b for b in platform.state().backfills if b["feature_view"] == PREP_TIME_MEAN_1H.name]
    assert len(backfills) == 2 and all(b["rows"] >= 6 for b in backfills)
    [row] = RedisOnlineStore.from_config(config).read([ReadRequest(PREP_TIME_MEAN_1H.name, "bf1", ("value",))])
    assert row.values["value"] == 550.0


def test_backfill_of_unknown_view_is_a_clear_error(config, stack):
    result = CliRunner().invoke(cli, ["--home", str(config.home), "features", "backfill", "nope.nothing",
                                      "--from", "2026-10-01", "--to", "2026-10-02"])
    assert result.exit_code != 0 and "no feature view 'nope.nothing'" in result.output
