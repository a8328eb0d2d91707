"""Thin confluent-kafka wrappers: typed producer, topic admin, read-to-end helper."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Iterator

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from fresco.errors import FrescoError
from streams.avro import SingleObjectCodec, load
from streams.topics import ALL_TOPICS, TopicSpec


RDKAFKA_LOGGER = "fresco.rdkafka"


def client_logger() -> logging.Logger:
    """librdkafka logs go through Python logging, so processes can tune them."""
    return logging.getLogger(RDKAFKA_LOGGER)


class TopicCodec:
    """Key and value codecs of one topic (single-object framing)."""

    def __init__(self, spec: TopicSpec):
        self.spec = spec
        self.key = SingleObjectCodec(load(spec.key_schema))
        self.value = SingleObjectCodec(load(spec.value_schema))

    def encode(self, record: dict[str, Any]) -> tuple[bytes | None, bytes]:
        key = None
        if self.spec.key_field is not None:
            key = self.key.encode(str(record[self.spec.key_field]))
        return key, self.value.encode(record)


def ensure_topics(bootstrap: str, partitions: int, replication: int = 1,
                  specs: tuple[TopicSpec, ...] = ALL_TOPICS, timeout: float = 15.0) -> list[str]:
    """Create missing topics; return the names created."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = set(admin.list_topics(timeout=timeout).topics)
    new = []
    for spec in specs:
        if spec.name in existing:
            continue
        config = {"cleanup.policy": "compact"} if spec.compacted else {}
        new.append(NewTopic(spec.name, spec.partitions or partitions, replication, config=config))
    if not new:
        return []
    for name, future in admin.create_topics(new, operation_timeout=timeout).items():
        try:
            future.result()
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise FrescoError(f"could not create topic {name}: {exc}") from exc
    return [t.topic for t in new]


class EventProducer:
    """Produces Avro records to known topics; errors surface on flush, never vanish."""

    def __init__(self, bootstrap: str, **overrides: Any):
        conf = {"bootstrap.servers": bootstrap, "linger.ms": 5, "enable.idempotence": False,
                "logger": client_logger(),
                "compression.type": "none", "queue.buffering.max.messages": 500_000}
        conf.update(overrides)
        self._producer = Producer(conf)
        self._codecs: dict[str, TopicCodec] = {}
        self._errors: list[str] = []
        self._lock = threading.Lock()

    def codec(self, spec: TopicSpec) -> TopicCodec:
        codec = self._codecs.get(spec.name)
        if codec is None:
            codec = self._codecs[spec.name] = TopicCodec(spec)
        return codec

    def _on_delivery(self, err, msg) -> None:
        if err is not None:
            with self._lock:
                self._errors.append(f"{msg.topic()}: {err}")

    def send(self, spec: TopicSpec, record: dict[str, Any], timestamp_ms: int | None = None) -> None:
        key, value = self.codec(spec).encode(record)
        self.send_raw(spec.name, key, value, timestamp_ms)

    def send_raw(self, topic: str, key: bytes | None, value: bytes | None,
                 timestamp_ms: int | None = None) -> None:
        kwargs = {"timestamp": timestamp_ms} if timestamp_ms is not None else {}
        while True:
            try:
                self._producer.produce(topic, value=value, key=key, on_delivery=self._on_delivery, **kwargs)
                break
            except BufferError:  # local queue full: let deliveries drain, then retry
                self._producer.poll(0.05)
        self._producer.poll(0)

    def flush(self, timeout: float = 30.0) -> None:
        remaining = self._producer.flush(timeout)
        with self._lock:
            errors, self._errors = self._errors, []
        if remaining:
            raise FrescoError(f"{remaining} message(s) not delivered within {timeout}s")
        if errors:
            raise FrescoError(f"{len(errors)} message(s) failed: {errors[:3]}")


def read_to_end(bootstrap: str, topic_name: str, timeout: float = 30.0,
                decode: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """Yield every message currently in `topic_name` (all partitions), then stop.

    Uses assign() without a group, so it never disturbs consumer groups.
    """
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "fresco-reader",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest",
                         "enable.partition.eof": True})
    try:
        meta = consumer.list_topics(topic_name, timeout=timeout).topics.get(topic_name)
        if meta is None or meta.error is not None:
            return
        todo = {}
        assignment = []
        for p in meta.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic_name, p), timeout=timeout)
            if high > low:
                todo[p] = high
                assignment.append(TopicPartition(topic_name, p, low))
        if not todo:
            return
        consumer.assign(assignment)
        deadline = time.monotonic() + timeout
        while todo:
            if time.monotonic() > deadline:
                raise FrescoError(f"reading {topic_name} to its end took over {timeout}s")
            for msg in consumer.consume(1000, 0.5):
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        todo.pop(msg.partition(), None)
                        continue
                    raise FrescoError(f"reading {topic_name}: {msg.error()}")
                if msg.offset() + 1 >= todo.get(msg.partition(), 0):
                    todo.pop(msg.partition(), None)
                yield decode(msg) if decode else msg
    finally:
        consumer.close()
