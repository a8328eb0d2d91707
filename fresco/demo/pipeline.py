"""`fresco demo`: the six Michelangelo stages on the embedded stack, end to end.

The demo owns a fresh HOME (default .fresco/demo): it starts its own broker and
Valkey, agents, archiver and serving as child processes, and stops all of them
at the end, whatever happens.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable


from fresco import devstack
from fresco.config import FrescoConfig
from fresco.demo.report import DemoReport, Progress
from fresco.demo.simulate import SimConfig, SimData, simulate
from fresco.errors import FrescoError
from fresco.features.definitions import DEMO_FEATURE_VIEWS, PREP_TIME_MEAN_7D
from fresco.procs import Child, metric_values, scrape, spawn_cli, wait_http
from fresco.registry.client import PlatformClient
from streams.kafka import RDKAFKA_LOGGER, EventProducer, ensure_topics
from streams.lag import consumer_lag
from streams.topics import DELIVERIES, FEATURE_VALUES, ORDERS, PREDICTIONS, PREP_COMPLETED

ARCHIVER_GROUP = "fresco-archiver"


@dataclass(frozen=True)
class DemoSettings:
    restaurants: int = 40
    history_days: int = 8  # days 0..history_days-2 train, the last one is the holdout
    live_hours: int = 6
    slice_minutes: int = 10
    seed: int = 7

    @property
    def sim(self) -> SimConfig:
        return SimConfig(restaurants=self.restaurants, days=self.history_days + 1, seed=self.seed)

    @property
    def live_start_hour(self) -> int:
        return self.history_days * 24 + 10  # live traffic starts at 10:00 on the day after history


def _produce(producer: EventProducer, data: SimData) -> int:
    for spec, events in ((ORDERS, data.orders), (PREP_COMPLETED, data.preps), (DELIVERIES, data.deliveries)):
        for event in events:
            producer.send(spec, event)
    producer.flush()
    return len(data.orders) + len(data.preps) + len(data.deliveries)


def wait_until_done(remaining: Callable[[], float], progress: Progress, what: str,
                    children: list[Child], timeout: float = 300.0, poll_s: float = 0.05) -> None:
    """Poll `remaining()` until it reaches 0; fail fast if a child process died."""
    deadline = time.monotonic() + timeout
    last_note = time.monotonic()
    while True:
        left = remaining()
        if left <= 0:
            return
        for child in children:
            if not child.alive():
                raise FrescoError(f"{child.name} died:\n{child.tail()}")
        if time.monotonic() > deadline:
            raise FrescoError(f"{what}: {left:,.0f} still to go after {timeout:.0f}s")
        if time.monotonic() - last_note > 5:
            progress.note(f"{what}: {left:,.0f} to go")
            last_note = time.monotonic()
        time.sleep(poll_s)


def lag_left(bootstrap: str, group: str, topics: list[str]) -> Callable[[], float]:
    return lambda: sum(p.lag for p in consumer_lag(bootstrap, group, topics))


def counter_left(url: str, metric: str, expected: float) -> Callable[[], float]:
    """Counting processed events is exact; committed-offset lag trails by up to one
    commit interval, which would make every wait at least that long."""
    return lambda: expected - sum(v for _, v in metric_values(scrape(url), metric))


class Demo:
    def __init__(self, config: FrescoConfig, settings: DemoSettings, progress: Progress):
        self.config, self.settings, self.progress = config, settings, progress
        self.report = DemoReport()
        self.children: list[Child] = []
        self.started_stack = False
        self.prep_events_sent = 0

    # -- lifecycle ---------------------------------------------------------------
    def run(self) -> DemoReport:
        t0 = time.monotonic()
        try:
            self._start_stack()
            history = self.stage_data()
            self.stage_stream(history)
            self.stage_batch()
            self.stage_train()
            live = self.stage_serve()
            self.stage_monitor(live)
        finally:
            self.stop()
            self.report.elapsed_s = time.monotonic() - t0
        return self.report

    def _start_stack(self) -> None:
        home = self.config.home
        if devstack.read_state(self.config):
            devstack.down(self.config)
        if home.exists():
            shutil.rmtree(home)
        services = devstack.up(self.config)
        self.started_stack = True
        self.bootstrap = devstack.kafka_bootstrap(self.config)
        ensure_topics(self.bootstrap, self.config.topic_partitions)
        self.platform = PlatformClient(self.bootstrap, actor="demo")
        self.progress.note(f"embedded stack up: Tansu {services['kafka'].address}, "
                           f"Valkey {services['valkey'].address}, home {home}")

    def _env(self) -> dict[str, str]:
        c = self.config
        return {"FRESCO_HOME": str(c.home), "FRESCO_AGENTS_METRICS_PORT": str(c.agents_metrics_port),
                "FRESCO_ARCHIVER_METRICS_PORT": str(c.archiver_metrics_port),
                "FRESCO_SERVING_PORT": str(c.serving_port),
                "FRESCO_TOPIC_PARTITIONS": str(c.topic_partitions)}

    def _spawn(self, name: str, args: list[str]) -> Child:
        child = spawn_cli(name, args, self._env(), self.config.home / "logs")
        self.children.append(child)
        return child

    def _done(self, n: int, stage: str, line: str) -> None:
        self.report.lines[n] = line
        self.progress.stage(n, stage, line)

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        # Clients still open in this process would log every failed reconnect.
        logging.getLogger(RDKAFKA_LOGGER).setLevel(logging.CRITICAL)
        if self.started_stack:
            devstack.down(self.config)

    # -- stages --------------------------------------------------------------------
    def wait_features(self) -> None:
        url = f"http://127.0.0.1:{self.config.agents_metrics_port}/metrics"
        wait_until_done(counter_left(url, "fresco_feature_events_total", self.prep_events_sent),
                        self.progress, "feature agent", self.children)

    def stage_data(self) -> SimData:
        s = self.settings
        for view in DEMO_FEATURE_VIEWS:
            self.platform.define_feature_view(view)
        t = time.monotonic()
        history = simulate(s.sim, 0, s.live_start_hour)
        n = _produce(EventProducer(self.bootstrap, partitioner="murmur2_random"), history)
        self.prep_events_sent = len(history.preps)
        line = (f"{len(history.orders):,} orders, {n:,} events over {s.live_start_hour / 24:.1f} simulated days "
                f"-> topics orders, prep_completed, deliveries ({time.monotonic() - t:.1f}s)")
        self._done(1, "data", line)
        return history

    def stage_stream(self, history: SimData) -> None:
        c = self.config
        self.agents = self._spawn("agents", ["agents", "run"])
        self.archiver = self._spawn("archiver", ["archiver", "run"])
        wait_http(self.agents, f"http://127.0.0.1:{c.agents_metrics_port}/metrics")
        t = time.monotonic()
        self.wait_features()
        took = time.monotonic() - t
        archived = [ORDERS.name, PREP_COMPLETED.name, DELIVERIES.name, FEATURE_VALUES.name]
        wait_until_done(lag_left(self.bootstrap, ARCHIVER_GROUP, archived), self.progress, "archiver",
                        self.children, poll_s=0.2)
        text = scrape(f"http://127.0.0.1:{c.agents_metrics_port}/metrics")
        updates = sum(v for _, v in metric_values(text, "fresco_feature_updates_total"))
        line = (f"restaurant.prep_time_mean_1h (Faust): {int(updates):,} updates -> Valkey + lake "
                f"(caught up {took:.1f}s after start, incl. group join)")
        self._done(2, "stream", line)

    def stage_batch(self) -> None:
        from batch.features import run_feature_job
        from batch.spark import spark_session
        from fresco.stores.online import open_online_store

        t = time.monotonic()
        self.spark = spark_session(self.config, "fresco-demo")
        store = open_online_store(self.config)
        result = run_feature_job(self.spark, self.config.lake, PREP_TIME_MEAN_7D, store)
        store.close()
        self.platform.backfill_completed(result.view, result.start, result.end, result.rows,
                                         result.online_rows, result.table_uri)
        line = (f"restaurant.prep_time_mean_7d (Spark): {result.rows:,} daily rows -> lake "
                f"(Parquet by date), {result.online_rows} entities -> Valkey ({time.monotonic() - t:.1f}s)")
        self._done(3, "batch", line)

    def stage_train(self) -> None:
        from batch.pipeline import train_and_register

        t = time.monotonic()
        split = self.settings.sim.start + timedelta(days=self.settings.history_days - 1)
        outcome = train_and_register(self.spark, self.config, self.platform, split)
        self.report.holdout = outcome.holdout
        self.model = outcome.model
        self.platform.deploy("etd", self.config.serving_tag, outcome.model.model_uuid)
        m = outcome.holdout["etd"]
        line = (f"etd v{outcome.model.version} ({outcome.model.model_uuid[:8]}) on {outcome.train_rows:,} "
                f"point-in-time rows: holdout RMSE {m['rmse']:.0f}s, MAE {m['mae']:.0f}s, R2 {m['r2']:.3f}; "
                f"deployed as etd@{self.config.serving_tag} ({time.monotonic() - t:.1f}s)")
        self.report.model_uuid = outcome.model.model_uuid
        self._done(4, "train", line)

    def stage_serve(self) -> list[tuple[float, float]]:
        from fresco.demo.live import run_live

        c = self.config
        self.serving = self._spawn("serving", ["serve"])
        wait_http(self.serving, f"http://127.0.0.1:{c.serving_port}/healthz", timeout=90)
        s = self.settings
        live = simulate(s.sim, s.live_start_hour, s.live_hours)
        result = asyncio.run(run_live(self, live))
        line = (f"{result.count:,} HTTP predictions by etd@{c.serving_tag} over {s.live_hours} live hours, "
                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms (client side), logged to "
                f"'{PREDICTIONS.name}'")
        self._done(5, "serve", line)
        return result.pairs

    def stage_monitor(self, pairs: list[tuple[float, float]]) -> None:
        from fresco.demo.live import live_metrics, local_metrics

        c = self.config
        live = live_metrics(f"http://127.0.0.1:{c.agents_metrics_port}/metrics", self.report.model_uuid,
                            expected=len(pairs))
        self.report.live = live
        self.report.live_check = local_metrics(pairs)
        self.report.live_pairs = pairs
        lags = self._settled_lag(f"http://127.0.0.1:{c.agents_metrics_port}/metrics")
        alerts = len(self.platform.state().alerts)
        line = (f"live over {int(live['n']):,} joined outcomes: RMSE {live['rmse']:.0f}s, MAE {live['mae']:.0f}s, "
                f"R2 {live['r2']:.3f}, RMSLE {live['rmsle']:.3f}; consumer lag {int(sum(v for _, v in lags))} "
                f"over {len(lags)} partitions (/metrics); accuracy alerts raised: {alerts}")
        self._done(6, "monitor", line)


    @staticmethod
    def _settled_lag(url: str, timeout: float = 5.0) -> list:
        """Lag once Faust's periodic commit has caught up with what it processed."""
        deadline = time.monotonic() + timeout
        while True:
            lags = metric_values(scrape(url), "fresco_consumer_lag")
            if sum(v for _, v in lags) == 0 or time.monotonic() > deadline:
                return lags
            time.sleep(0.25)


def run_demo(config: FrescoConfig, settings: DemoSettings, progress: Progress | None = None) -> DemoReport:
    return Demo(config, settings, progress or Progress()).run()


def demo_home(base: Path) -> Path:
    return base / "demo"
