"""Cassandra online store (cassandra-driver). Layout: docs/specs/online_store_format.md.

One table per feature view, ``{keyspace}.fv_{view with '.' -> '__'}``:
``entity_key text PRIMARY KEY, feature_values map<text, double>, event_ts bigint``,
written with ``USING TTL`` = the view's TTL. Reads fan out as concurrent prepared
statements (one partition per entity); the driver pipelines them on one connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from fresco.config import FrescoConfig
from fresco.errors import ConfigError, MissingExtraError
from fresco.stores.online import OnlineRow, OnlineStore, ReadRequest, ReadResult

_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


def table_name(view: str) -> str:
    name = "fv_" + view.replace(".", "__")
    if not _IDENT.match(name) or len(name) > 48:
        raise ConfigError(f"feature view {view!r} does not map to a valid Cassandra table name")
    return name


@dataclass(frozen=True)
class CassandraOnlineStoreConfig:
    hosts: list[str]
    keyspace: str = "fresco"
    replication_factor: int = 1
    port: int = 9042
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: FrescoConfig) -> "CassandraOnlineStoreConfig":
        hosts = config.cassandra_contact_points
        if not hosts:
            raise ConfigError("online_store=cassandra needs FRESCO_CASSANDRA_HOSTS (comma-separated host[:port])")
        port = 9042
        plain = []
        for h in hosts:
            host, _, p = h.partition(":")
            plain.append(host)
            port = int(p) if p else port
        return cls(plain, config.cassandra_keyspace, config.replication_factor, port)


class CassandraOnlineStore(OnlineStore):
    def __init__(self, cfg: CassandraOnlineStoreConfig):
        try:
            from cassandra.cluster import Cluster
        except ImportError as exc:
            raise MissingExtraError("the cassandra online store needs `cassandra-driver`") from exc
        if not _IDENT.match(cfg.keyspace):
            raise ConfigError(f"cassandra keyspace {cfg.keyspace!r} is not a valid identifier")
        self.cfg = cfg
        self._cluster = Cluster(cfg.hosts, port=cfg.port)
        self._session = self._cluster.connect()
        self._session.execute(
            f"CREATE KEYSPACE IF NOT EXISTS {cfg.keyspace} WITH replication = "
            f"{{'class': 'SimpleStrategy', 'replication_factor': {cfg.replication_factor}}}")
        self._prepared: dict[tuple[str, str], object] = {}

    @classmethod
    def from_config(cls, config: FrescoConfig) -> "CassandraOnlineStore":
        return cls(CassandraOnlineStoreConfig.from_config(config))

    def _table(self, view: str) -> str:
        table = f"{self.cfg.keyspace}.{table_name(view)}"
        if (view, "created") not in self._prepared:
            self._session.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (entity_key text PRIMARY KEY, "
                f"feature_values map<text, double>, event_ts bigint)")
            self._prepared[(view, "created")] = True
        return table

    def _stmt(self, view: str, kind: str):
        key = (view, kind)
        if key not in self._prepared:
            table = self._table(view)
            cql = {
                "write": f"UPDATE {table} USING TTL ? SET feature_values = feature_values + ?, "
                         f"event_ts = ? WHERE entity_key = ?",
                "delete": f"DELETE feature_values[?] FROM {table} WHERE entity_key = ?",
                "read": f"SELECT feature_values, event_ts FROM {table} WHERE entity_key = ?",
            }[kind]
            self._prepared[key] = self._session.prepare(cql)
        return self._prepared[key]

    def write(self, view: str, ttl_s: int, rows: Sequence[OnlineRow]) -> None:
        from cassandra.concurrent import execute_concurrent_with_args

        write, delete = self._stmt(view, "write"), self._stmt(view, "delete")
        args, deletes = [], []
        for row in rows:
            present = {k: v for k, v in row.values.items() if v is not None}
            args.append((max(ttl_s, 0), present, row.event_time_ms, row.entity_key))
            deletes.extend((k, row.entity_key) for k, v in row.values.items() if v is None)
        execute_concurrent_with_args(self._session, write, args, raise_on_first_error=True)
        if deletes:
            execute_concurrent_with_args(self._session, delete, deletes, raise_on_first_error=True)

    def read(self, requests: Sequence[ReadRequest]) -> list[ReadResult]:
        futures = [self._session.execute_async(self._stmt(r.view, "read"), (r.entity_key,))
                   for r in requests]
        out = []
        for req, fut in zip(requests, futures):
            row = fut.result().one()
            if row is None:
                out.append(ReadResult({f: None for f in req.features}, None))
            else:
                stored = row.feature_values or {}
                out.append(ReadResult({f: stored.get(f) for f in req.features}, row.event_ts))
        return out

    def teardown(self, view: str) -> None:
        self._session.execute(f"TRUNCATE {self._table(view)}")

    def close(self) -> None:
        self._cluster.shutdown()
