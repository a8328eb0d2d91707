"""Consumer lag per group, topic and partition, as a Prometheus collector.

Lag = high watermark - committed offset (or - low watermark when nothing is
committed yet). Read on scrape, so /metrics is always current.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable, Sequence

from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None
    high: int
    lag: int


def consumer_lag(bootstrap: str, group: str, topics: Sequence[str], timeout: float = 5.0
                 ) -> list[PartitionLag]:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    probe = Consumer({"bootstrap.servers": bootstrap, "group.id": f"{group}-lag-probe",
                      "enable.auto.commit": False})
    try:
        meta = probe.list_topics(timeout=timeout).topics
        partitions = [TopicPartition(t, p) for t in topics if t in meta for p in meta[t].partitions]
        if not partitions:
            return []
        request = [ConsumerGroupTopicPartitions(group, partitions)]
        result = admin.list_consumer_group_offsets(request, request_timeout=timeout)[group].result()
        committed = {(tp.topic, tp.partition): tp.offset for tp in result.topic_partitions}
        out = []
        for tp in partitions:
            low, high = probe.get_watermark_offsets(tp, timeout=timeout)
            offset = committed.get((tp.topic, tp.partition))
            has_commit = offset is not None and offset >= 0
            lag = high - (offset if has_commit else low)
            out.append(PartitionLag(group, tp.topic, tp.partition, offset if has_commit else None,
                                    high, max(lag, 0)))
        return out
    finally:
        probe.close()


class LagCollector:
    """Registers as a prometheus collector: fresco_consumer_lag{group,topic,partition}."""

    def __init__(self, bootstrap: str, groups: dict[str, Sequence[str]]):
        self.bootstrap = bootstrap
        self.groups = groups

    def collect(self) -> Iterable[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("fresco_consumer_lag", "Messages not yet committed by the group",
                                  labels=["group", "topic", "partition"])
        for group, topics in self.groups.items():
            try:
                for row in consumer_lag(self.bootstrap, group, topics):
                    gauge.add_metric([group, row.topic, str(row.partition)], row.lag)
            except Exception as exc:  # noqa: BLE001 - a scrape must not crash the process
                log.warning("lag for group %s unavailable: %s", group, exc)
        yield gauge
