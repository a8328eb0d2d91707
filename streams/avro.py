"""Avro schemas parsed once, and the framing that makes every message self-describing.

Default framing is Avro single-object encoding: ``C3 01`` + 8-byte little-endian
CRC-64-AVRO fingerprint of the writer schema's canonical form + Avro binary body.
See docs/specs/wire_format.md.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

import fastavro
from fastavro.schema import to_parsing_canonical_form

from fresco.errors import DecodeError, SchemaError

SINGLE_OBJECT_MAGIC = b"\xc3\x01"
HEADER_LEN = 10

_EMPTY = 0xC15D213AA4D7A795


def _crc64_table() -> list[int]:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _crc64_table()


def crc64_avro(data: bytes) -> int:
    """The Rabin fingerprint the Avro spec defines for single-object encoding."""
    fp = _EMPTY
    for byte in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


@dataclass(frozen=True)
class Schema:
    name: str  # path under schemas/ without .avsc, e.g. "events/order_placed"
    parsed: Any
    canonical: str
    fingerprint: int

    @property
    def header(self) -> bytes:
        return SINGLE_OBJECT_MAGIC + struct.pack("<Q", self.fingerprint)

    @property
    def record_fields(self) -> list[str]:
        if isinstance(self.parsed, dict) and self.parsed.get("type") == "record":
            return [f["name"] for f in self.parsed["fields"]]
        return []


def schema_from_json(name: str, raw: Any) -> Schema:
    try:
        parsed = fastavro.parse_schema(raw)
    except Exception as exc:  # fastavro raises several types for bad schemas
        raise SchemaError(f"schema {name}: invalid Avro: {exc}") from exc
    canonical = to_parsing_canonical_form(parsed)
    return Schema(name, parsed, canonical, crc64_avro(canonical.encode()))


@lru_cache(maxsize=None)
def all_schemas() -> dict[str, Schema]:
    """Every .avsc shipped in the `schemas` package, parsed once per process."""
    root = resources.files("schemas")
    found: dict[str, Schema] = {}

    def walk(node, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".avsc"):
                name = prefix + child.name[: -len(".avsc")]
                found[name] = schema_from_json(name, json.loads(child.read_text()))

    walk(root, "")
    return found


def load(name: str) -> Schema:
    schemas = all_schemas()
    if name not in schemas:
        raise SchemaError(f"no schema {name!r} in schemas/ (known: {', '.join(sorted(schemas))})")
    return schemas[name]


@lru_cache(maxsize=None)
def _by_fingerprint() -> dict[int, Schema]:
    return {s.fingerprint: s for s in all_schemas().values()}


class SingleObjectCodec:
    """Encode/decode one schema's records with single-object framing.

    Decoding resolves the writer schema by fingerprint, so a reader with a newer
    compatible schema reads older data.
    """

    def __init__(self, schema: Schema, extra_writers: Mapping[int, Schema] | None = None):
        self.schema = schema
        self._header = schema.header
        self._writers = dict(_by_fingerprint())
        self._writers.update(extra_writers or {})

    def encode(self, record: Any) -> bytes:
        out = io.BytesIO()
        out.write(self._header)
        try:
            fastavro.schemaless_writer(out, self.schema.parsed, record)
        except Exception as exc:  # fastavro raises ValueError/TypeError/KeyError/...
            raise SchemaError(f"record does not match schema {self.schema.name}: {exc}") from exc
        return out.getvalue()

    def decode(self, data: bytes | None) -> Any:
        if data is None:
            raise DecodeError(f"{self.schema.name}: empty (null) message")
        if len(data) < HEADER_LEN or data[:2] != SINGLE_OBJECT_MAGIC:
            raise DecodeError(f"{self.schema.name}: not Avro single-object encoded "
                              f"(first bytes {data[:4].hex() or 'none'})")
        (fingerprint,) = struct.unpack_from("<Q", data, 2)
        writer = self._writers.get(fingerprint)
        if writer is None:
            raise DecodeError(f"{self.schema.name}: unknown writer schema fingerprint {fingerprint:016x}")
        try:
            return fastavro.schemaless_reader(
                io.BytesIO(memoryview(data)[HEADER_LEN:]), writer.parsed,
                None if writer is self.schema else self.schema.parsed,
            )
        except Exception as exc:
            raise DecodeError(f"{self.schema.name}: body does not decode with writer schema "
                              f"{writer.name}: {type(exc).__name__}: {exc}") from exc


class ConfluentCodec:
    """Confluent framing: ``00`` + 4-byte big-endian schema id + Avro binary.

    Used when a schema registry is configured; `registry` is anything with
    ``register(subject, schema_json) -> int`` and ``get(schema_id) -> str``.
    """

    MAGIC = b"\x00"

    def __init__(self, schema: Schema, subject: str, registry: Any):
        self.schema = schema
        self._registry = registry
        self._id = registry.register(subject, self.schema.canonical)
        self._header = self.MAGIC + struct.pack(">I", self._id)
        self._writers: dict[int, Any] = {self._id: schema.parsed}

    def encode(self, record: Any) -> bytes:
        out = io.BytesIO()
        out.write(self._header)
        try:
            fastavro.schemaless_writer(out, self.schema.parsed, record)
        except Exception as exc:
            raise SchemaError(f"record does not match schema {self.schema.name}: {exc}") from exc
        return out.getvalue()

    def decode(self, data: bytes | None) -> Any:
        if data is None or len(data) < 5 or data[:1] != self.MAGIC:
            raise DecodeError(f"{self.schema.name}: not Confluent-framed Avro")
        (schema_id,) = struct.unpack_from(">I", data, 1)
        writer = self._writers.get(schema_id)
        if writer is None:
            writer = fastavro.parse_schema(json.loads(self._registry.get(schema_id)))
            self._writers[schema_id] = writer
        try:
            return fastavro.schemaless_reader(io.BytesIO(data[5:]), writer, self.schema.parsed)
        except Exception as exc:
            raise DecodeError(f"{self.schema.name}: body does not decode: {exc}") from exc
