"""`fresco`: one CLI for the embedded stack, the processes, the registries and the demo."""

from __future__ import annotations

import logging
import sys

import click

from fresco.cli.dsl_cmds import dsl
from fresco.cli.registry_cmds import features, models, registry
from fresco.config import load_config
from fresco.errors import FrescoError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", envvar="FRESCO_HOME", default=None,
              help="State folder (dev stack, lake, artifacts). Env: FRESCO_HOME. Default: ./.fresco")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """Fresco: a streaming-first ML platform (features, training, serving, monitoring) on Kafka.

    Every setting is also an environment variable FRESCO_<NAME> or a key in the
    TOML file named by FRESCO_CONFIG. With no Kafka/Redis configured, commands use
    the embedded stack started by `fresco dev up`.
    """
    ctx.obj = {"home": home}


def _config(ctx: click.Context, **overrides):
    home = ctx.find_root().obj.get("home")
    return load_config(home=home, **overrides)


@cli.group()
def dev() -> None:
    """The embedded stack: Tansu (Kafka protocol) and Valkey on loopback, no Docker."""


@dev.command("up")
@click.option("--kafka-port", type=int, default=None, help="Broker port (default: a free port).")
@click.option("--valkey-port", type=int, default=None, help="Valkey port (default: a free port).")
@click.pass_context
def dev_up(ctx: click.Context, kafka_port: int | None, valkey_port: int | None) -> None:
    """Start the broker and Valkey if not running, create Fresco's topics. Idempotent."""
    from fresco import devstack
    from streams.kafka import ensure_topics

    config = _config(ctx)
    state = devstack.up(config, kafka_port, valkey_port)
    created = ensure_topics(state["kafka"].address, config.topic_partitions)
    for name, svc in state.items():
        click.echo(f"{name:<7} pid {svc.pid:<8} {svc.address}")
    if created:
        click.echo(f"created topics: {', '.join(created)}")
    click.echo(f"state: {config.dev_dir / 'state.json'}")


@dev.command("down")
@click.pass_context
def dev_down(ctx: click.Context) -> None:
    """Stop exactly the processes `fresco dev up` started (Tansu memory is lost)."""
    from fresco import devstack

    stopped = devstack.down(_config(ctx))
    click.echo(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")


@dev.command("status")
@click.pass_context
def dev_status(ctx: click.Context) -> None:
    """Show what runs, where, and whether it answers."""
    from fresco import devstack

    rows = devstack.status(_config(ctx))
    if not rows:
        click.echo("embedded stack: not running (start it with `fresco dev up`)")
        return
    for name, svc, ok in rows:
        click.echo(f"{name:<7} pid {svc.pid:<8} {svc.address:<21} {'up' if ok else 'DOWN'}  log {svc.log}")


@cli.command()
@click.option("--restaurants", default=40, show_default=True, help="Simulated restaurants.")
@click.option("--days", "history_days", default=8, show_default=True,
              help="Simulated days of history; the last one is the held-out test slice.")
@click.option("--live-hours", default=6, show_default=True, help="Hours of live traffic scored over HTTP.")
@click.option("--seed", default=7, show_default=True)
@click.pass_context
def demo(ctx: click.Context, restaurants: int, history_days: int, live_hours: int, seed: int) -> None:
    """Run the ETD walking skeleton end to end on a fresh embedded stack and print the report.

    Stages: data -> near-real-time feature (Faust) -> batch feature (Spark) ->
    point-in-time training + registry -> deploy + HTTP serving -> live monitoring.
    Uses HOME/demo as its own state folder and stops everything it started.
    """
    from fresco.demo.pipeline import DemoSettings, demo_home, run_demo
    from fresco.devstack import free_port

    base = _config(ctx)
    config = load_config(home=str(demo_home(base.home)), agents_metrics_port=free_port(),
                         archiver_metrics_port=free_port(), serving_port=free_port())
    settings = DemoSettings(restaurants=restaurants, history_days=history_days,
                            live_hours=live_hours, seed=seed)
    report = run_demo(config, settings)
    click.echo(report.render())
    if not report.streaming_feature_helps:
        raise click.ClickException("the streaming feature did not beat the ablation and the mean")


@cli.command()
@click.option("--days", default=2, show_default=True, help="Simulated days of marketplace traffic.")
@click.option("--restaurants", default=20, show_default=True)
@click.option("--seed", default=7, show_default=True)
@click.pass_context
def simulate(ctx: click.Context, days: int, restaurants: int, seed: int) -> None:
    """Produce simulated orders, prep completions and deliveries to their topics.

    Event times start at 2026-11-02T00:00Z (simulated, not wall time).
    """
    from fresco import devstack
    from fresco.demo.simulate import SimConfig
    from fresco.demo.simulate import simulate as run_simulation
    from streams.kafka import EventProducer, ensure_topics
    from streams.topics import DELIVERIES, ORDERS, PREP_COMPLETED

    config = _config(ctx)
    bootstrap = devstack.kafka_bootstrap(config)
    ensure_topics(bootstrap, config.topic_partitions, config.replication_factor)
    data = run_simulation(SimConfig(restaurants=restaurants, days=days, seed=seed))
    producer = EventProducer(bootstrap, partitioner="murmur2_random")
    for spec, events in ((ORDERS, data.orders), (PREP_COMPLETED, data.preps), (DELIVERIES, data.deliveries)):
        for event in events:
            producer.send(spec, event)
    producer.flush()
    click.echo(f"produced {len(data.orders):,} orders, {len(data.preps):,} prep completions, "
               f"{len(data.deliveries):,} deliveries")


@cli.group()
def agents() -> None:
    """Faust stream agents: features, push values, live monitoring, streaming scoring."""


@agents.command("run")
@click.option("--loglevel", default="warning", show_default=True)
@click.pass_context
def agents_run(ctx: click.Context, loglevel: str) -> None:
    """Run the Faust worker: every registered stream/push feature view, the monitor, and
    (with FRESCO_SCORING_MODEL) scoring of every order; /metrics on FRESCO_AGENTS_METRICS_PORT."""
    from agents.worker import run_worker

    run_worker(_config(ctx), loglevel)


@cli.group()
def archiver() -> None:
    """The lake archiver: topics -> Parquet, offsets committed after each write."""


@archiver.command("run")
@click.pass_context
def archiver_run(ctx: click.Context) -> None:
    """Archive topics to the lake until stopped; /metrics on FRESCO_ARCHIVER_METRICS_PORT."""
    import signal

    from prometheus_client import REGISTRY, start_http_server

    from agents.archiver import ARCHIVED_TOPICS, GROUP_ID, Archiver
    from fresco import devstack
    from streams.lag import LagCollector
    from streams.topics import FEATURE_VALUES

    config = _config(ctx)
    bootstrap = devstack.kafka_bootstrap(config)
    worker = Archiver(config, bootstrap)
    REGISTRY.register(LagCollector(bootstrap, {GROUP_ID: [t.name for t in (*ARCHIVED_TOPICS, FEATURE_VALUES)]}))
    start_http_server(config.archiver_metrics_port, addr="127.0.0.1")
    signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
    worker.run()


@cli.command()
@click.option("--model", "model_name", default="etd", show_default=True, help="Model name to serve.")
@click.pass_context
def serve(ctx: click.Context, model_name: str) -> None:
    """Serve MODEL@FRESCO_SERVING_TAG over HTTP (POST /predict, /models, /healthz, /metrics)."""
    from serving.app import run_server

    run_server(_config(ctx), model_name)


cli.add_command(registry)
cli.add_command(features)
cli.add_command(models)
cli.add_command(dsl)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        cli(standalone_mode=True)
    except FrescoError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
