"""Where platform events come from: the Kafka topic or the lake archive."""

from __future__ import annotations

from typing import Iterator

from fresco.registry.events import PlatformEvent
from fresco.stores import lake
from streams.avro import SingleObjectCodec, load
from streams.kafka import EventProducer, read_to_end
from streams.topics import PLATFORM_EVENTS


def _codec() -> SingleObjectCodec:
    return SingleObjectCodec(load(PLATFORM_EVENTS.value_schema))


def kafka_events(bootstrap: str) -> Iterator[PlatformEvent]:
    codec = _codec()
    for msg in read_to_end(bootstrap, PLATFORM_EVENTS.name):
        yield PlatformEvent.from_record(codec.decode(msg.value()))


def archived_values(lake_root: str) -> list[bytes]:
    """Archived platform event bytes in log order, duplicates removed.

    Offsets restart when a memory-only broker restarts, so the order is by event
    time first (the emitters are sequential), offset second.
    """
    table = lake.read_table(lake_root, "archive", PLATFORM_EVENTS.name,
                            ["record_id", "value", "event_time", "offset"])
    if table.num_rows == 0:
        return []
    rows = sorted(table.to_pylist(), key=lambda r: (r["event_time"], r["offset"]))
    seen, out = set(), []
    for row in rows:
        if row["record_id"] not in seen:
            seen.add(row["record_id"])
            out.append(row["value"])
    return out


def archive_events(lake_root: str) -> Iterator[PlatformEvent]:
    codec = _codec()
    for value in archived_values(lake_root):
        yield PlatformEvent.from_record(codec.decode(value))


def restore_topic(bootstrap: str, lake_root: str) -> int:
    """Re-publish archived events to an empty platform topic (after a broker loss)."""
    producer = EventProducer(bootstrap)
    existing = {e.event_id for e in kafka_events(bootstrap)}
    codec = _codec()
    count = 0
    for value in archived_values(lake_root):
        event = PlatformEvent.from_record(codec.decode(value))
        if event.event_id in existing:
            continue
        key = producer.codec(PLATFORM_EVENTS).key.encode(event.subject)
        producer.send_raw(PLATFORM_EVENTS.name, key, value)
        count += 1
    producer.flush()
    return count
