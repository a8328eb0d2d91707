import os

import pytest
import redis
from confluent_kafka.admin import AdminClient

from fresco import devstack
from fresco.config import load_config
from fresco.errors import StackNotRunning

pytestmark = pytest.mark.integration


def test_up_is_idempotent_and_down_stops_exactly_those_pids(tmp_path):
    config = load_config(home=str(tmp_path))
    with pytest.raises(StackNotRunning, match="fresco dev up"):
        devstack.kafka_bootstrap(config)
    first = devstack.up(config)
    try:
        assert devstack.up(config) == first  # second call starts nothing
        assert all(ok for _, _, ok in devstack.status(config))
        assert redis.Redis.from_url(devstack.redis_url(config)).ping()
        meta = AdminClient({"bootstrap.servers": devstack.kafka_bootstrap(config)}).list_topics(timeout=5)
        assert meta.brokers
        assert (tmp_path / "dev" / "valkey").is_dir()  # persistence folder
    finally:
        stopped = devstack.down(config)
    assert sorted(stopped) == ["kafka", "valkey"]
    for svc in first.values():
        assert not os.path.exists(f"/proc/{svc.pid}") or not devstack.is_alive(svc)
    assert devstack.status(config) == []


def test_configured_endpoints_win_over_the_embedded_stack(tmp_path):
    config = load_config(home=str(tmp_path), kafka_bootstrap="kafka.prod:9092", redis_url="redis://r.prod:6379/0")
    assert devstack.kafka_bootstrap(config) == "kafka.prod:9092"
    assert devstack.redis_url(config) == "redis://r.prod:6379/0"
