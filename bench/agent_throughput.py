"""(b) Near-real-time feature agent events/s vs a bare confluent-kafka loop on the same topic.

Floor/peer: confluent-kafka consume(10000) + the project's fastavro decode + a
dict update. Faust variants do the same work; the Fresco agent does its real
work (event-time window per entity, table changelog, Valkey pipeline, feature
values to Kafka), once per event ("before") and batched with take ("after").
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid

from confluent_kafka import Consumer, TopicPartition

from bench.common import table
from fresco.config import FrescoConfig
from fresco.demo.simulate import SimConfig, simulate
from fresco.features.definitions import DEMO_FEATURE_VIEWS
from fresco.registry.client import PlatformClient
from fresco.procs import metric_values, scrape, spawn_cli, wait_http
from fresco import devstack
from streams.avro import SingleObjectCodec, load
from streams.kafka import EventProducer
from streams.topics import PREP_COMPLETED


def produce(config: FrescoConfig, n: int) -> None:
    data = simulate(SimConfig(restaurants=200, days=4))
    producer = EventProducer(devstack.kafka_bootstrap(config), partitioner="murmur2_random")
    sent = 0
    while sent < n:
        for event in data.preps:
            producer.send(PREP_COMPLETED, event)
            sent += 1
            if sent >= n:
                break
    producer.flush()


def bare_loop(bootstrap: str, n: int, partitions: int) -> float:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bare-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(PREP_COMPLETED.name, p, 0) for p in range(partitions)])
    codec = SingleObjectCodec(load(PREP_COMPLETED.value_schema))
    latest: dict = {}
    seen, start = 0, None
    while seen < n:
        batch = consumer.consume(10000, 1.0)
        if start is None and batch:
            start = time.perf_counter()
        for msg in batch:
            rec = codec.decode(msg.value())
            latest[rec["restaurant_id"]] = rec["prep_time_s"]
            seen += 1
    rate = seen / (time.perf_counter() - start)
    consumer.close()
    return rate


def faust_variant(variant: str, bootstrap: str, n: int) -> float:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([sys.executable, "-m", "bench.faust_variants", variant, bootstrap,
                        PREP_COMPLETED.name, str(n), out.name], check=True, timeout=600,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = json.load(open(out.name))
    return result["events"] / result["seconds"]


def fresco_agent(config: FrescoConfig, n: int, batch: int) -> float:
    port = devstack.free_port()
    env = {"FRESCO_HOME": str(config.home), "FRESCO_AGENTS_METRICS_PORT": str(port),
           "FRESCO_AGENTS_APP_ID": f"bench-agents-{uuid.uuid4().hex[:8]}",
           "FRESCO_AGENT_BATCH_SIZE": str(batch)}
    child = spawn_cli(f"agents-batch{batch}", ["agents", "run"], env, config.home / "logs")
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        wait_http(child, url)
        start = None
        while True:
            done = sum(v for _, v in metric_values(scrape(url), "fresco_feature_events_total"))
            if start is None and done > 0:
                start, first = time.perf_counter(), done
            if done >= n:
                return (done - first) / (time.perf_counter() - start)
            if not child.alive():
                raise RuntimeError(child.tail())
            time.sleep(0.02)
    finally:
        child.stop()


def run(config: FrescoConfig, n: int = 100_000, n_per_event: int = 10_000) -> str:
    bootstrap = devstack.kafka_bootstrap(config)
    platform = PlatformClient(bootstrap, actor="bench")
    for view in DEMO_FEATURE_VIEWS:
        platform.define_feature_view(view)
    produce(config, n)
    rows = []
    floor = bare_loop(bootstrap, n, config.topic_partitions)
    measured = [
        ("bare confluent-kafka consume(10000) + decode + dict", floor),
        ("Faust agent, defaults, per event", faust_variant("plain", bootstrap, n)),
        ("Faust agent, defaults, stream.take(2000)", faust_variant("plain-batch", bootstrap, n)),
        ("Faust agent, Fresco settings, stream.take(2000)", faust_variant("tuned-batch", bootstrap, n)),
        (f"Fresco feature agent, per event (first {n_per_event:,})", fresco_agent(config, n_per_event, 1)),
        ("Fresco feature agent, take_events(2000)", fresco_agent(config, n, 2000)),
    ]
    for name, rate in measured:
        rows.append([name, f"{rate:,.0f}", f"{rate / floor:.3f}"])
    return table(f"(b) feature agent throughput, {n:,} PrepCompleted events, "
                 f"{config.topic_partitions} partitions (ratio = events/s / bare floor)",
                 ["consumer", "events/s", "ratio"], rows)
