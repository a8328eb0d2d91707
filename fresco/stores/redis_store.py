"""Redis / Valkey online store. Layout: docs/specs/online_store_format.md.

Key ``fresco:fv:{view}:{entity_key}`` -> hash; field per feature name holding an
8-byte little-endian IEEE double, field ``_ts`` holding the event time as an
8-byte little-endian signed int (epoch ms). The key carries the view's TTL.
A null value is stored as an absent field.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass
from typing import Sequence

import redis
import redis.asyncio as aioredis

from fresco import devstack
from fresco.config import FrescoConfig
from fresco.stores.online import OnlineRow, OnlineStore, ReadRequest, ReadResult

KEY_PREFIX = "fresco:fv:"
TS_FIELD = "_ts"
_DOUBLE = struct.Struct("<d")
_INT64 = struct.Struct("<q")


def redis_key(view: str, entity_key: str) -> str:
    return f"{KEY_PREFIX}{view}:{entity_key}"


def encode_value(value: float) -> bytes:
    return _DOUBLE.pack(value)


def decode_value(raw: bytes | None) -> float | None:
    return None if raw is None else _DOUBLE.unpack(raw)[0]


@dataclass(frozen=True)
class RedisOnlineStoreConfig:
    url: str
    password: str | None = None

    @classmethod
    def from_config(cls, config: FrescoConfig) -> "RedisOnlineStoreConfig":
        pw = config.redis_password.get_secret_value() if config.redis_password else None
        return cls(devstack.redis_url(config), pw)


class RedisOnlineStore(OnlineStore):
    def __init__(self, cfg: RedisOnlineStoreConfig):
        self.cfg = cfg
        self._client = redis.Redis.from_url(cfg.url, password=cfg.password)
        self._aclient: tuple[asyncio.AbstractEventLoop, aioredis.Redis] | None = None

    @classmethod
    def from_config(cls, config: FrescoConfig) -> "RedisOnlineStore":
        return cls(RedisOnlineStoreConfig.from_config(config))

    def _write_commands(self, pipe, view: str, ttl_s: int, rows: Sequence[OnlineRow]) -> None:
        for row in rows:
            key = redis_key(view, row.entity_key)
            mapping = {TS_FIELD: _INT64.pack(row.event_time_ms)}
            nulls = []
            for name, value in row.values.items():
                if value is None:
                    nulls.append(name)
                else:
                    mapping[name] = encode_value(value)
            pipe.hset(key, mapping=mapping)
            if nulls:
                pipe.hdel(key, *nulls)
            if ttl_s > 0:
                pipe.expire(key, ttl_s)

    def write(self, view: str, ttl_s: int, rows: Sequence[OnlineRow]) -> None:
        pipe = self._client.pipeline(transaction=False)
        self._write_commands(pipe, view, ttl_s, rows)
        pipe.execute()

    @staticmethod
    def _results(requests: Sequence[ReadRequest], replies) -> list[ReadResult]:
        out = []
        for req, reply in zip(requests, replies):
            ts = reply[0]
            values = {f: decode_value(raw) for f, raw in zip(req.features, reply[1:])}
            out.append(ReadResult(values, None if ts is None else _INT64.unpack(ts)[0]))
        return out

    def read(self, requests: Sequence[ReadRequest]) -> list[ReadResult]:
        pipe = self._client.pipeline(transaction=False)
        for req in requests:
            pipe.hmget(redis_key(req.view, req.entity_key), [TS_FIELD, *req.features])
        return self._results(requests, pipe.execute())

    def _async(self) -> aioredis.Redis:
        # redis.asyncio clients are bound to the loop they first ran in: one per loop.
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient[0] is not loop:
            self._aclient = (loop, aioredis.Redis.from_url(self.cfg.url, password=self.cfg.password))
        return self._aclient[1]

    async def aread(self, requests: Sequence[ReadRequest]) -> list[ReadResult]:
        pipe = self._async().pipeline(transaction=False)
        for req in requests:
            pipe.hmget(redis_key(req.view, req.entity_key), [TS_FIELD, *req.features])
        return self._results(requests, await pipe.execute())

    async def awrite(self, view: str, ttl_s: int, rows: Sequence[OnlineRow]) -> None:
        pipe = self._async().pipeline(transaction=False)
        self._write_commands(pipe, view, ttl_s, rows)
        await pipe.execute()

    def teardown(self, view: str) -> None:
        batch = []
        for key in self._client.scan_iter(match=f"{KEY_PREFIX}{view}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                self._client.delete(*batch)
                batch.clear()
        if batch:
            self._client.delete(*batch)

    def close(self) -> None:
        self._client.close()
