"""Lake archiver: copies topics to the lake, commits offsets only after the write.

- Archived topics land byte for byte as ArchivedRecord rows (lake/archive/{topic}).
- `feature_values` lands decoded as FeatureRow rows (lake/features/{view}).
A value whose event time cannot be decoded is still archived (lossless), with
the Kafka timestamp as event time, and is also sent to the dead-letter topic.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import defaultdict

from confluent_kafka import Consumer, KafkaError
from prometheus_client import Counter

from fresco.config import FrescoConfig
from fresco.errors import DecodeError, FrescoError
from fresco.stores import lake
from fresco.timeutil import from_millis, utcnow
from streams.avro import SingleObjectCodec, load
from streams.deadletter import dead_letter_record
from streams.kafka import EventProducer
from streams.topics import ALL_TOPICS, DEAD_LETTER, FEATURE_VALUES, TopicSpec

GROUP_ID = "fresco-archiver"
STEP_ID = "archiver"
ARCHIVED = Counter("fresco_archived_records", "Records written to the lake", ["topic"])
ARCHIVED_TOPICS = tuple(t for t in ALL_TOPICS if t is not FEATURE_VALUES)
log = logging.getLogger(__name__)


def record_id(key: bytes | None, value: bytes | None) -> str:
    digest = hashlib.sha1(key or b"")
    digest.update(b"\x00")
    digest.update(value or b"")
    return digest.hexdigest()


class Archiver:
    def __init__(self, config: FrescoConfig, bootstrap: str, topics=ARCHIVED_TOPICS,
                 batch_size: int = 20000, poll_s: float = 0.5):
        self.config = config
        self.bootstrap = bootstrap
        self.topics = {t.name: t for t in (*topics, FEATURE_VALUES)}
        self.codecs = {name: SingleObjectCodec(load(t.value_schema)) for name, t in self.topics.items()}
        self.batch_size = batch_size
        self.poll_s = poll_s
        self.stopping = threading.Event()
        self._producer = EventProducer(bootstrap)

    def _archived_row(self, spec: TopicSpec, msg) -> dict:
        ts_type, ts_ms = msg.timestamp()
        try:
            event_time = self.codecs[spec.name].decode(msg.value())[spec.event_time_field]
        except DecodeError as exc:
            self._producer.send(DEAD_LETTER, dead_letter_record(
                STEP_ID, msg.topic(), msg.partition(), msg.offset(), exc, msg.key(), msg.value()))
            event_time = from_millis(ts_ms) if ts_ms > 0 else utcnow()
        return {"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                "record_id": record_id(msg.key(), msg.value()), "key": msg.key(),
                "value": msg.value() or b"", "event_time": event_time, "ingest_time": utcnow()}

    def write(self, messages) -> int:
        archive: dict[str, list[dict]] = defaultdict(list)
        features: dict[str, list[dict]] = defaultdict(list)
        for msg in messages:
            spec = self.topics[msg.topic()]
            if spec is FEATURE_VALUES:
                try:
                    rec = self.codecs[spec.name].decode(msg.value())
                except DecodeError as exc:
                    self._producer.send(DEAD_LETTER, dead_letter_record(
                        STEP_ID, msg.topic(), msg.partition(), msg.offset(), exc, msg.key(), msg.value()))
                    continue
                features[rec["feature_view"]].append(
                    {k: rec[k] for k in ("entity_key", "value", "event_time", "ingest_time")})
            else:
                archive[spec.name].append(self._archived_row(spec, msg))
        root = self.config.lake
        for name, rows in archive.items():
            lake.write_partitioned(root, "archive", name, "lake/archived_record", rows,
                                   id_fields=("record_id",))
            ARCHIVED.labels(name).inc(len(rows))
        for view, rows in features.items():
            lake.write_partitioned(root, "features", view, "lake/feature_row", rows)
            ARCHIVED.labels(FEATURE_VALUES.name).inc(len(rows))
        self._producer.flush()
        return sum(map(len, archive.values())) + sum(map(len, features.values()))

    def run(self, on_batch=None) -> None:
        consumer = Consumer({
            "bootstrap.servers": self.bootstrap, "group.id": GROUP_ID,
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
            "fetch.wait.max.ms": 100,
        })
        consumer.subscribe(sorted(self.topics))
        try:
            while not self.stopping.is_set():
                messages = consumer.consume(self.batch_size, self.poll_s)
                good = []
                for msg in messages:
                    if msg.error() is None:
                        good.append(msg)
                    elif msg.error().code() != KafkaError._PARTITION_EOF:
                        raise FrescoError(f"{STEP_ID}: consume failed: {msg.error()}")
                if not good:
                    continue
                written = self.write(good)
                consumer.commit(asynchronous=False)  # only after the lake holds the batch
                if on_batch:
                    on_batch(written)
        finally:
            consumer.close()
