"""In-process online store: for unit tests and embedded single-process use."""

from __future__ import annotations

import threading
import time
from typing import Sequence

from fresco.stores.online import OnlineRow, OnlineStore, ReadRequest, ReadResult


class MemoryOnlineStore(OnlineStore):
    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], tuple[dict[str, float | None], int, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config) -> "MemoryOnlineStore":
        return cls()

    def write(self, view: str, ttl_s: int, rows: Sequence[OnlineRow]) -> None:
        expires = time.monotonic() + ttl_s if ttl_s > 0 else float("inf")
        with self._lock:
            for row in rows:
                current = self._rows.get((view, row.entity_key))
                values = dict(current[0]) if current else {}
                values.update(row.values)
                self._rows[(view, row.entity_key)] = (values, row.event_time_ms, expires)

    def read(self, requests: Sequence[ReadRequest]) -> list[ReadResult]:
        now = time.monotonic()
        out = []
        with self._lock:
            for req in requests:
                row = self._rows.get((req.view, req.entity_key))
                if row is None or row[2] <= now:
                    out.append(ReadResult({f: None for f in req.features}, None))
                else:
                    out.append(ReadResult({f: row[0].get(f) for f in req.features}, row[1]))
        return out

    def teardown(self, view: str) -> None:
        with self._lock:
            for key in [k for k in self._rows if k[0] == view]:
                del self._rows[key]
