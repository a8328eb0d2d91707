"""The central feature-store test: the Faust agent and the Spark job, run for real
on the same adversarial streams, produce the same feature values for every
aggregation and window kind.

Stream side: `fresco agents run` against the embedded broker; its emitted values
are read back from the `feature_values` topic. Batch side: the archiver copies
the source topic to the lake and the Spark job folds it. Both are compared with
each other and with the pure fold as an oracle.
"""

import random
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from agents.archiver import Archiver
from batch.archive import read_archive
from batch.features import feature_rows
from fresco import devstack
from fresco.config import load_config
from fresco.features.aggregations import AGGREGATIONS
from fresco.features.definitions import FeatureView
from fresco.features.windows import KINDS
from fresco.procs import metric_values, scrape, spawn_cli, wait_http
from fresco.registry.client import PlatformClient
from fresco.timeutil import utcnow
from streams.avro import SingleObjectCodec, load
from streams.kafka import EventProducer, ensure_topics, read_to_end
from streams.lag import consumer_lag
from streams.topics import FEATURE_VALUES, PREP_COMPLETED

pytestmark = [pytest.mark.e2e, pytest.mark.spark]
T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)
WINDOW = timedelta(minutes=10)
LATENESS = timedelta(minutes=2)


def _views():
    views = []
    for kind in KINDS:
        for agg in AGGREGATIONS:
            views.append(FeatureView(
                name=f"restaurant.p_{agg}_{kind}", entity="restaurant", entity_key="restaurant_id",
                source_topic=PREP_COMPLETED.name, value_field="prep_time_s", aggregation=agg,
                window=WINDOW, window_kind=kind, step=WINDOW / 2 if kind == "hopping" else timedelta(0),
                allowed_lateness=LATENESS, engine="stream", ttl=timedelta(days=1)))
    return views


def _streams(rng: random.Random) -> dict[str, list[tuple[datetime, float]]]:
    """Per entity: (event_time, value) in the order they are produced."""
    s = {}
    s["in_order"] = [(T0 + timedelta(seconds=i * 37), rng.uniform(100, 900)) for i in range(80)]
    jitter = [(T0 + timedelta(seconds=i * 30 - rng.randrange(0, 100)), rng.uniform(100, 900)) for i in range(80)]
    s["out_of_order"] = jitter  # at most 100 s back: within the 2 min lateness
    s["late"] = [(T0 + timedelta(seconds=i * 45 - (400 if i % 7 == 3 else 0)), float(i)) for i in range(60)]
    s["duplicates"] = [(T0 + timedelta(minutes=i // 3), float(i % 4)) for i in range(45)]
    s["boundaries"] = [(T0 + k * WINDOW / 2 + timedelta(milliseconds=d), float(k)) for k in range(20)
                       for d in (-1, 0, 1)]
    s["sparse"] = [(T0 + timedelta(hours=3 * i, seconds=rng.randrange(60)), rng.uniform(0, 10)) for i in range(8)]
    s["single"] = [(T0, 42.0)]
    s["repeated_values"] = [(T0 + timedelta(seconds=20 * i), float(i % 3)) for i in range(60)]
    return s


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def _norm(rows):
    """Order-free comparison; values rounded to the float tolerance of the check."""
    rounded = [(t, None if v is None else round(v, 6)) for t, v in rows]
    return sorted(rounded, key=lambda r: (r[0], r[1] is None, r[1] or 0.0))


@pytest.fixture(scope="module")
def parity_run(tmp_path_factory, spark):
    home = tmp_path_factory.mktemp("parity")
    port = devstack.free_port()
    config = load_config(home=str(home), agents_metrics_port=port)
    devstack.up(config)
    worker = None
    try:
        bootstrap = devstack.kafka_bootstrap(config)
        ensure_topics(bootstrap, config.topic_partitions)
        views = _views()
        platform = PlatformClient(bootstrap, actor="test")
        for view in views:
            platform.define_feature_view(view)
        streams = _streams(random.Random(11))
        producer = EventProducer(bootstrap, partitioner="murmur2_random")
        total = 0
        for entity, records in streams.items():
            for i, (t, v) in enumerate(records):
                producer.send(PREP_COMPLETED, {"order_id": f"{entity}-{i}", "restaurant_id": entity,
                                               "prep_time_s": v, "event_time": t})
                total += 1
        producer.flush()

        worker = spawn_cli("agents-parity", ["agents", "run"],
                           {"FRESCO_HOME": str(home), "FRESCO_AGENTS_METRICS_PORT": str(port)}, home / "logs")
        url = f"http://127.0.0.1:{port}/metrics"
        wait_http(worker, url, timeout=120)
        deadline = time.monotonic() + 180
        while sum(v for _, v in metric_values(scrape(url), "fresco_feature_events_total")) < total:
            assert time.monotonic() < deadline, "agent did not process every record"
            time.sleep(0.1)

        archiver = Archiver(config, bootstrap, topics=(PREP_COMPLETED,), poll_s=0.1)
        thread = threading.Thread(target=archiver.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 120
        while True:
            lags = consumer_lag(bootstrap, "fresco-archiver", [PREP_COMPLETED.name])
            if lags and all(p.committed is not None and p.lag == 0 for p in lags if p.high):
                break
            assert time.monotonic() < deadline, "archiver did not catch up"
            time.sleep(0.2)
        archiver.stopping.set()
        thread.join(10)

        codec = SingleObjectCodec(load(FEATURE_VALUES.value_schema))
        stream_out = defaultdict(list)
        for msg in read_to_end(bootstrap, FEATURE_VALUES.name):
            rec = codec.decode(msg.value())
            stream_out[(rec["feature_view"], rec["entity_key"])].append((_ms(rec["event_time"]), rec["value"]))

        events = read_archive(spark, config.lake, PREP_COMPLETED).cache()
        batch_out = defaultdict(list)
        for view in views:
            for row in feature_rows(events, view, utcnow()).toPandas().itertuples():
                value = None if row.value != row.value or row.value is None else float(row.value)
                batch_out[(view.name, row.entity_key)].append((_ms(row.event_time.to_pydatetime()), value))
        yield views, streams, stream_out, batch_out
    finally:
        if worker is not None:
            worker.stop()
        devstack.down(config)


@pytest.mark.parametrize("kind", KINDS)
def test_stream_and_batch_engines_agree(parity_run, kind):
    views, streams, stream_out, batch_out = parity_run
    checked = 0
    for view in (v for v in views if v.window_kind == kind):
        fold = view.fold()
        for entity, records in streams.items():
            oracle, _ = fold.run([(_ms(t), v) for t, v in records])
            key = (view.name, entity)
            expected = _norm((u.event_time_ms, u.value) for u in oracle)
            assert _norm(stream_out[key]) == expected, f"stream engine differs: {key}"
            assert _norm(batch_out[key]) == expected, f"batch engine differs: {key}"
            checked += len(expected)
    assert checked > 100


def test_adversarial_streams_really_exercised_lateness(parity_run):
    views, streams, _, _ = parity_run
    _, late = views[0].fold().run([(_ms(t), v) for t, v in streams["late"]])
    assert late > 0
