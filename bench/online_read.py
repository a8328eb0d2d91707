"""Online read latency for entity x feature shapes vs a bare pipelined HMGET floor.

Floor: redis-py pipeline of HMGET over the same keys and fields, raw bytes, no
decoding. Fresco: RedisOnlineStore.read (decodes doubles and event time, fills
explicit nulls) and its async twin.
"""

from __future__ import annotations

import asyncio
import time

import redis

from bench.common import percentile, table
from fresco import devstack
from fresco.config import FrescoConfig
from fresco.stores.online import OnlineRow, ReadRequest
from fresco.stores.redis_store import TS_FIELD, RedisOnlineStore, redis_key

SHAPES = [(1, 50), (1, 250), (100, 50)]
VIEW = "bench.wide"


def _time(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def run(config: FrescoConfig, n: int = 1000) -> str:
    store = RedisOnlineStore.from_config(config)
    client = redis.Redis.from_url(devstack.redis_url(config))
    names = tuple(f"f{i:03d}" for i in range(250))
    store.write(VIEW, 3600, [OnlineRow(f"e{e}", {f: float(i) for i, f in enumerate(names)}, 1) for e in range(100)])
    rows = []
    for entities, features in SHAPES:
        fields = names[:features]
        requests = [ReadRequest(VIEW, f"e{e}", fields) for e in range(entities)]
        keys = [redis_key(VIEW, f"e{e}") for e in range(entities)]

        def floor(keys=keys, fields=fields):
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.hmget(key, [TS_FIELD, *fields])
            pipe.execute()

        async def aread_many(requests=requests):
            out = []
            for _ in range(n):
                t = time.perf_counter()
                await store.aread(requests)
                out.append(time.perf_counter() - t)
            return out

        _time(floor, 50)
        base = _time(floor, n)
        sync = _time(lambda requests=requests: store.read(requests), n)
        async_ = asyncio.run(aread_many())
        b50, b99 = percentile(base, 0.5), percentile(base, 0.99)
        for label, values in (("floor HMGET pipeline", base), ("RedisOnlineStore.read", sync),
                              ("RedisOnlineStore.aread", async_)):
            p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
            rows.append([f"{entities}x{features}", label, f"{p50 * 1e6:,.0f}", f"{p99 * 1e6:,.0f}",
                         f"{p50 / b50:.2f}", f"{p99 / b99:.2f}"])
    return table(f"online read latency, {n:,} reads per shape (entities x features, one round trip)",
                 ["shape", "path", "p50 us", "p99 us", "p50 ratio", "p99 ratio"], rows)
