"""The online store interface, its short-name registry and the shared row types.

A feature view stores, per entity key, a small map of feature name -> float plus
the event time the values are valid as of. Reads take many (view, entity)
pairs in one round trip; a missing value is ``None``, never an exception.
"""

from __future__ import annotations

import asyncio
import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Mapping, Sequence

from fresco.config import FrescoConfig
from fresco.errors import ConfigError, MissingExtraError


@dataclass(frozen=True)
class OnlineRow:
    entity_key: str
    values: Mapping[str, float | None]
    event_time_ms: int


@dataclass(frozen=True)
class ReadRequest:
    view: str
    entity_key: str
    features: tuple[str, ...]


@dataclass(frozen=True)
class ReadResult:
    values: dict[str, float | None]
    event_time_ms: int | None  # None when the entity has no row in this view


class OnlineStore(ABC):
    """Write batch, read batch, tear down. Nothing else."""

    @abstractmethod
    def write(self, view: str, ttl_s: int, rows: Sequence[OnlineRow]) -> None: ...

    @abstractmethod
    def read(self, requests: Sequence[ReadRequest]) -> list[ReadResult]: ...

    async def aread(self, requests: Sequence[ReadRequest]) -> list[ReadResult]:
        return await asyncio.to_thread(self.read, requests)

    async def awrite(self, view: str, ttl_s: int, rows: Sequence[OnlineRow]) -> None:
        await asyncio.to_thread(self.write, view, ttl_s, rows)

    @abstractmethod
    def teardown(self, view: str) -> None:
        """Delete every row of `view`."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass


BACKENDS = {
    "redis": "fresco.stores.redis_store.RedisOnlineStore",
    "cassandra": "fresco.stores.cassandra_store.CassandraOnlineStore",
    "memory": "fresco.stores.memory_store.MemoryOnlineStore",
}


def _import_class(path: str):
    module_name, _, cls_name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise MissingExtraError(f"online store {path} needs a package that is not installed: {exc}") from exc
    try:
        return getattr(module, cls_name)
    except AttributeError:
        raise ConfigError(f"online store class {path!r} not found") from None


def open_online_store(config: FrescoConfig) -> OnlineStore:
    """Short name from config (redis, cassandra, memory) or a full class path."""
    cls = _import_class(BACKENDS.get(config.online_store, config.online_store))
    return cls.from_config(config)
