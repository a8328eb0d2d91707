"""Read archived topics from the lake as typed DataFrames.

The archive keeps the framed Avro bytes; decoding runs in the executors with the
same fastavro codec every other engine uses (mapInPandas), so there is one
decoder, and the Spark schema is derived from the topic's Avro schema.
"""

from __future__ import annotations

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import IntegerType, LongType, TimestampType

from fresco.errors import DecodeError
from fresco.stores import lake
from streams.avro import SingleObjectCodec, load
from streams.topics import TopicSpec


# Arrival order: archive time separates broker lifetimes (offsets restart with a
# memory-only broker), offset orders records within one.
ARRIVAL_COLUMNS = ("_archived_at", "_partition", "_offset")


def read_archive(spark: SparkSession, lake_root: str, spec: TopicSpec) -> DataFrame:
    """Decoded records plus ARRIVAL_COLUMNS: their arrival order on the topic."""
    avro = load(spec.value_schema)
    arrow = lake.arrow_schema(avro)
    spark_schema = (from_arrow_schema(arrow).add("_archived_at", TimestampType())
                    .add("_partition", IntegerType()).add("_offset", LongType()))
    path = lake.table_uri(lake_root, "archive", spec.name)
    raw = (spark.read.parquet(path).select("record_id", "value", "ingest_time", "partition", "offset")
           .dropDuplicates(["record_id"]))
    fields = arrow.names
    schema_name = spec.value_schema

    def decode(batches):
        codec = SingleObjectCodec(load(schema_name))
        for batch in batches:
            rows = []
            arrival = zip(batch["ingest_time"], batch["partition"], batch["offset"])
            for value, (archived_at, partition, offset) in zip(batch["value"], arrival):
                try:
                    rows.append({**codec.decode(value), "_archived_at": archived_at,
                                 "_partition": partition, "_offset": offset})
                except DecodeError:
                    # The archiver dead-lettered these bytes when it archived them.
                    continue
            frame = pd.DataFrame.from_records(rows, columns=[*fields, *ARRIVAL_COLUMNS])
            for name in fields:  # timestamps come back tz-aware UTC from fastavro
                if str(arrow.field(name).type).startswith("timestamp"):
                    frame[name] = pd.to_datetime(frame[name], utc=True)
            yield frame

    return raw.mapInPandas(decode, spark_schema)
