import io
import json
import struct
from datetime import datetime, timezone

import fastavro
import pytest

from fresco.errors import DecodeError, SchemaError
from streams.avro import (SINGLE_OBJECT_MAGIC, ConfluentCodec, SingleObjectCodec, all_schemas, crc64_avro,
                          load, schema_from_json)

T0 = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)


def test_crc64_matches_the_avro_spec_vector():
    # Avro spec: fingerprint64 of the canonical form "string" is -8142146995180207161 (signed).
    assert crc64_avro(b'"string"') == -8142146995180207161 & 0xFFFFFFFFFFFFFFFF


def test_every_schema_parses_and_has_a_unique_fingerprint():
    schemas = all_schemas()
    assert len(schemas) >= 9
    fingerprints = [s.fingerprint for s in schemas.values()]
    assert len(set(fingerprints)) == len(fingerprints)


def test_every_event_schema_has_explicit_utc_event_time():
    for name, schema in all_schemas().items():
        if name.startswith(("events/", "platform/", "predictions/", "features/", "lake/")):
            fields = {f["name"]: f for f in schema.parsed["fields"]}
            assert "event_time" in fields, name
            assert fields["event_time"]["type"]["logicalType"] == "timestamp-millis", name


def test_single_object_bytes_are_pinned():
    codec = SingleObjectCodec(load("keys/string_key"))
    data = codec.encode("r001")
    # C3 01 | fingerprint LE | zigzag length 4 -> 0x08 | "r001"
    assert data == SINGLE_OBJECT_MAGIC + struct.pack("<Q", crc64_avro(b'"string"')) + b"\x08r001"
    assert codec.decode(data) == "r001"


def test_roundtrip_keeps_utc_datetimes():
    codec = SingleObjectCodec(load("events/order_placed"))
    rec = {"order_id": "o1", "restaurant_id": "r1", "customer_id": "c1", "distance_km": 2.5, "event_time": T0}
    assert codec.decode(codec.encode(rec)) == rec


def test_decode_errors_name_schema_and_cause():
    codec = SingleObjectCodec(load("events/order_placed"))
    with pytest.raises(DecodeError, match="events/order_placed: not Avro single-object"):
        codec.decode(b"not avro at all")
    with pytest.raises(DecodeError, match="unknown writer schema fingerprint"):
        codec.decode(SINGLE_OBJECT_MAGIC + b"\x00" * 8 + b"\x02")
    good = codec.encode({"order_id": "o1", "restaurant_id": "r1", "customer_id": "c", "distance_km": 1.0,
                         "event_time": T0})
    with pytest.raises(DecodeError, match="body does not decode"):
        codec.decode(good[:14])
    with pytest.raises(DecodeError, match="null"):
        codec.decode(None)


def test_encode_rejects_records_that_do_not_match():
    codec = SingleObjectCodec(load("events/order_placed"))
    with pytest.raises(SchemaError, match="events/order_placed"):
        codec.encode({"order_id": "o1"})


def test_new_reader_reads_data_of_an_older_writer_by_fingerprint():
    old_raw = {"type": "record", "name": "OrderPlaced", "namespace": "fresco.events", "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}
    new_raw = json.loads(json.dumps(old_raw))
    new_raw["fields"].append({"name": "channel", "type": "string", "default": "app"})
    old, new = schema_from_json("old", old_raw), schema_from_json("new", new_raw)
    data = SingleObjectCodec(old, extra_writers={old.fingerprint: old}).encode({"order_id": "o9", "event_time": T0})
    reader = SingleObjectCodec(new, extra_writers={old.fingerprint: old})
    assert reader.decode(data) == {"order_id": "o9", "event_time": T0, "channel": "app"}


class _Registry:
    def __init__(self):
        self.by_id, self.ids = {}, {}

    def register(self, subject, schema_json):
        if schema_json not in self.ids:
            self.ids[schema_json] = len(self.ids) + 1
            self.by_id[self.ids[schema_json]] = schema_json
        return self.ids[schema_json]

    def get(self, schema_id):
        return self.by_id[schema_id]


def test_confluent_framing_layout():
    codec = ConfluentCodec(load("keys/string_key"), "orders-key", _Registry())
    data = codec.encode("r1")
    assert data[:5] == b"\x00\x00\x00\x00\x01"
    body = io.BytesIO(data[5:])
    assert fastavro.schemaless_reader(body, load("keys/string_key").parsed) == "r1"
    assert codec.decode(data) == "r1"
