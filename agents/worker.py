"""Build and run the Faust worker: feature agents + monitor, with /metrics."""

from __future__ import annotations

import logging

import faust
from prometheus_client import REGISTRY, start_http_server

from agents.alerts import AccuracyWatch
from agents.context import AgentContext
from agents.features import register_source_agent
from agents.push import register_push_agent
from agents.scoring import register_scoring_agent
from agents.monitor import register_monitor_agent
from fresco import devstack
from fresco.config import FrescoConfig
from fresco.registry.client import PlatformClient
from fresco.stores.online import open_online_store
from streams.kafka import EventProducer, ensure_topics
from streams.lag import LagCollector
from streams.topics import DELIVERIES, ORDERS, PREDICTIONS

log = logging.getLogger(__name__)


def faust_settings(config: FrescoConfig, bootstrap: str) -> dict:
    """Settings tuned for a low-latency local broker; see bench/ for the measurements."""
    return dict(
        broker=f"kafka://{bootstrap}",
        store="memory://",
        topic_partitions=config.topic_partitions,
        topic_replication_factor=config.replication_factor,
        consumer_auto_offset_reset="earliest",
        # The group coordinator holds a join for about half the session timeout.
        broker_session_timeout=6.0,
        broker_heartbeat_interval=0.5,
        broker_rebalance_timeout=6.0,
        stream_recovery_delay=0.1,
        # Commit often so lag on /metrics is current; cheap next to per-event dispatch.
        broker_commit_interval=1.0,
        web_enabled=False,
    )


def registered_views(bootstrap: str, engines: tuple[str, ...] = ("stream", "push")) -> list:
    """The latest version of every registered feature view the agents run."""
    state = PlatformClient(bootstrap, actor="agent:features").state()
    return [versions[-1].view for versions in state.features.values()
            if versions[-1].view.engine in engines]


def create_app(config: FrescoConfig, views, with_monitor: bool = True) -> tuple[faust.App, AgentContext]:
    bootstrap = devstack.kafka_bootstrap(config)
    app = faust.App(config.agents_app_id, **faust_settings(config, bootstrap))
    ctx = AgentContext(config, bootstrap, open_online_store(config),
                       EventProducer(bootstrap, **{"partitioner": "murmur2_random"}))
    by_topic: dict[str, list] = {}
    for view in views:
        if view.engine == "stream":
            by_topic.setdefault(view.source_topic, []).append(view)
    for source_topic, topic_views in sorted(by_topic.items()):
        register_source_agent(app, source_topic, topic_views, ctx)
    pushed = [v for v in views if v.engine == "push"]
    if pushed:
        register_push_agent(app, pushed, ctx)
    if with_monitor:
        register_monitor_agent(app, ctx, AccuracyWatch(PlatformClient(bootstrap, actor="agent:monitor")))
    if config.scoring_model:
        register_scoring_agent(app, ctx, config.scoring_model)
    return app, ctx


def source_topics(views) -> list[str]:
    return sorted({v.source_topic for v in views if v.engine in ("stream", "push")}
                  | {PREDICTIONS.name, DELIVERIES.name})


def run_worker(config: FrescoConfig, loglevel: str = "warning") -> None:
    bootstrap = devstack.kafka_bootstrap(config)
    ensure_topics(bootstrap, config.topic_partitions, config.replication_factor)
    # Views registered later need a worker restart: Faust agents are fixed at start.
    views = registered_views(bootstrap)
    log.warning("feature agents for: %s", ", ".join(v.name for v in views) or "no stream feature views")
    app, _ = create_app(config, views)
    topics = source_topics(views) + ([ORDERS.name] if config.scoring_model else [])
    REGISTRY.register(LagCollector(bootstrap, {config.agents_app_id: topics}))
    start_http_server(config.agents_metrics_port, addr="127.0.0.1")
    log.info("agents /metrics on 127.0.0.1:%s", config.agents_metrics_port)
    quiet_worker(app, loglevel).execute_from_commandline()


def quiet_worker(app: faust.App, loglevel: str) -> faust.Worker:
    """A Faust worker without the terminal spinner.

    With a log level of WARN or above, Faust's spinner sets the root logger to
    DEBUG so every library debug call builds a LogRecord: ~13% of the agent's
    CPU in a profile (see bench/README.md).
    """
    worker = faust.Worker(app, loglevel=loglevel, quiet=True)
    worker.spinner = None
    return worker
