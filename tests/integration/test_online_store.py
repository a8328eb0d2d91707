"""One backend suite, run against every online store: memory, Valkey, Cassandra (when configured)."""

import struct
import time
import uuid

import pytest

from fresco.config import load_config
from fresco.stores.online import OnlineRow, ReadRequest
from tests.conftest import CASSANDRA_HOSTS

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "redis", "cassandra"])
def store(request, config):
    if request.param == "memory":
        from fresco.stores.memory_store import MemoryOnlineStore
        s = MemoryOnlineStore()
    elif request.param == "redis":
        request.getfixturevalue("stack")
        from fresco.stores.redis_store import RedisOnlineStore
        s = RedisOnlineStore.from_config(config)
    else:
        if not CASSANDRA_HOSTS:
            pytest.skip("no Cassandra here: set FRESCO_CASSANDRA_HOSTS=host[:port] to run this suite against one")
        from fresco.stores.cassandra_store import CassandraOnlineStore
        s = CassandraOnlineStore.from_config(load_config(home=str(config.home), online_store="cassandra",
                                                         cassandra_hosts=CASSANDRA_HOSTS))
    yield s
    s.close()


def _view():
    return f"test.v_{uuid.uuid4().hex[:8]}"


def test_write_then_read_many_entities_and_views(store):
    a, b = _view(), _view()
    store.write(a, 3600, [OnlineRow("e1", {"value": 1.5}, 1000), OnlineRow("e2", {"value": -2.0}, 2000)])
    store.write(b, 3600, [OnlineRow("e1", {"value": 7.0, "other": 8.0}, 3000)])
    got = store.read([ReadRequest(a, "e1", ("value",)), ReadRequest(a, "e2", ("value",)),
                      ReadRequest(b, "e1", ("value", "other")), ReadRequest(b, "e2", ("value",))])
    assert [r.values for r in got] == [{"value": 1.5}, {"value": -2.0}, {"value": 7.0, "other": 8.0},
                                       {"value": None}]
    assert [r.event_time_ms for r in got] == [1000, 2000, 3000, None]


def test_missing_and_null_values_are_explicit_nulls(store):
    v = _view()
    store.write(v, 3600, [OnlineRow("e1", {"value": 1.0, "gone": 2.0}, 1)])
    store.write(v, 3600, [OnlineRow("e1", {"gone": None}, 2)])
    [row] = store.read([ReadRequest(v, "e1", ("value", "gone", "never"))])
    assert row.values == {"value": 1.0, "gone": None, "never": None}
    assert row.event_time_ms == 2


def test_ttl_expires_rows(store):
    v = _view()
    store.write(v, 1, [OnlineRow("e1", {"value": 1.0}, 1)])
    time.sleep(2.1)
    assert store.read([ReadRequest(v, "e1", ("value",))])[0].values == {"value": None}


def test_teardown_removes_only_that_view(store):
    a, b = _view(), _view()
    store.write(a, 3600, [OnlineRow("e1", {"value": 1.0}, 1)])
    store.write(b, 3600, [OnlineRow("e1", {"value": 2.0}, 1)])
    store.teardown(a)
    got = store.read([ReadRequest(a, "e1", ("value",)), ReadRequest(b, "e1", ("value",))])
    assert [r.values["value"] for r in got] == [None, 2.0]


def test_async_read_matches_sync_read(store):
    import asyncio
    v = _view()
    store.write(v, 3600, [OnlineRow("e1", {"value": 4.25}, 9)])
    reqs = [ReadRequest(v, "e1", ("value",)), ReadRequest(v, "e9", ("value",))]
    assert asyncio.run(store.aread(reqs)) == store.read(reqs)


def test_redis_key_layout_is_pinned(config, stack):
    import redis

    from fresco import devstack
    from fresco.stores.redis_store import RedisOnlineStore

    store = RedisOnlineStore.from_config(config)
    store.write("restaurant.prep_time_mean_1h", 600, [OnlineRow("r042", {"value": 812.5}, 1_793_750_400_000)])
    raw = redis.Redis.from_url(devstack.redis_url(config))
    key = b"fresco:fv:restaurant.prep_time_mean_1h:r042"
    assert raw.hgetall(key) == {b"value": struct.pack("<d", 812.5), b"_ts": struct.pack("<q", 1_793_750_400_000)}
    assert 0 < raw.ttl(key) <= 600
