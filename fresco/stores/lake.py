"""The lake: Parquet tables partitioned by date, schema derived from Avro.

Layout (docs/specs/lake_layout.md):
  {root}/archive/{topic}/date=YYYY-MM-DD/{file}.parquet   ArchivedRecord rows
  {root}/features/{view}/date=YYYY-MM-DD/{file}.parquet   FeatureRow rows
File names are derived from their content, so re-writing the same records
replaces the same file (idempotent); readers drop duplicates by id as well.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from typing import Any, Iterable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import fs as pafs

from fresco.errors import SchemaError
from streams.avro import Schema, load

_PRIMITIVES = {
    "string": pa.string(), "double": pa.float64(), "float": pa.float32(), "long": pa.int64(),
    "int": pa.int32(), "boolean": pa.bool_(), "bytes": pa.binary(),
}


def _arrow_type(avro_type: Any) -> tuple[pa.DataType, bool]:
    """(arrow type, nullable) for one Avro field type."""
    if isinstance(avro_type, list):
        non_null = [t for t in avro_type if t != "null"]
        if len(non_null) != 1:
            raise SchemaError(f"lake tables support only [null, T] unions, got {avro_type}")
        return _arrow_type(non_null[0])[0], "null" in avro_type
    if isinstance(avro_type, dict):
        logical = avro_type.get("logicalType")
        if logical == "timestamp-millis":
            return pa.timestamp("ms", tz="UTC"), False
        if avro_type["type"] == "map":
            return pa.map_(pa.string(), _arrow_type(avro_type["values"])[0]), False
        if avro_type["type"] == "array":
            return pa.list_(_arrow_type(avro_type["items"])[0]), False
        return _arrow_type(avro_type["type"])
    if avro_type in _PRIMITIVES:
        return _PRIMITIVES[avro_type], False
    raise SchemaError(f"no lake mapping for Avro type {avro_type!r}")


def arrow_schema(schema: Schema) -> pa.Schema:
    """Arrow/Parquet schema of a record schema, field for field."""
    fields = []
    for f in schema.parsed["fields"]:
        typ, nullable = _arrow_type(f["type"])
        fields.append(pa.field(f["name"], typ, nullable=nullable))
    return pa.schema(fields)


def _fs(root: str) -> tuple[pafs.FileSystem, str]:
    if "://" in root:
        return pafs.FileSystem.from_uri(root)
    return pafs.LocalFileSystem(), root


def table_uri(root: str, kind: str, name: str) -> str:
    return f"{root.rstrip('/')}/{kind}/{name}"


def write_partitioned(root: str, kind: str, name: str, schema_name: str,
                      rows: Sequence[dict], time_field: str = "event_time",
                      id_fields: Sequence[str] = ()) -> list[str]:
    """Write rows into date partitions by `time_field`; returns the files written.

    The file name hashes the rows' ids (all fields when `id_fields` is empty), so
    replaying the same rows overwrites instead of duplicating.
    """
    if not rows:
        return []
    schema = arrow_schema(load(schema_name))
    filesystem, base = _fs(table_uri(root, kind, name))
    by_date: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        ts: datetime = row[time_field]
        by_date[ts.strftime("%Y-%m-%d")].append(row)
    written = []
    for date, part in sorted(by_date.items()):
        digest = hashlib.sha1()
        for row in part:
            for f in (id_fields or schema.names):
                digest.update(repr(row[f]).encode())
        folder = f"{base}/date={date}"
        filesystem.create_dir(folder, recursive=True)
        path = f"{folder}/part-{digest.hexdigest()[:20]}.parquet"
        table = pa.Table.from_pylist(part, schema=schema)
        tmp = path + ".tmp"
        pq.write_table(table, tmp, filesystem=filesystem)
        filesystem.move(tmp, path)  # readers never see half a file
        written.append(path)
    return written


def read_table(root: str, kind: str, name: str, columns: Iterable[str] | None = None) -> pa.Table:
    """Read a whole lake table with pyarrow (small tables: registries, tests)."""
    filesystem, base = _fs(table_uri(root, kind, name))
    info = filesystem.get_file_info(base)
    if info.type == pafs.FileType.NotFound:
        return pa.table({})
    dataset = pq.ParquetDataset(base, filesystem=filesystem, partitioning="hive")
    return dataset.read(columns=list(columns) if columns else None)
