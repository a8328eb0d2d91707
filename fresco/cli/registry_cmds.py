"""Registry commands: views of the platform log, and rebuilding them from the lake."""

from __future__ import annotations

import click

from fresco.config import load_config


def _ctx_config(ctx: click.Context):
    return load_config(home=ctx.find_root().obj.get("home"))


def _state(ctx: click.Context, from_archive: bool = False):
    from fresco import devstack
    from fresco.registry.log import archive_events, kafka_events
    from fresco.registry.state import PlatformState

    config = _ctx_config(ctx)
    if from_archive:
        return PlatformState.build(archive_events(config.lake))
    return PlatformState.build(kafka_events(devstack.kafka_bootstrap(config)))


@click.group()
def registry() -> None:
    """The platform log and the views built from it."""


@registry.command("show")
@click.option("--from-archive", is_flag=True, help="Build the view from the lake archive, not Kafka.")
@click.pass_context
def registry_show(ctx: click.Context, from_archive: bool) -> None:
    """Summarize features, models, deployments and alerts."""
    state = _state(ctx, from_archive)
    click.echo(f"events applied: {state.applied}  rejected: {len(state.rejected)}")
    click.echo(f"feature views: {len(state.features)}  models: {len(state.models)}  "
               f"deployments: {len(state.deployments)}  alerts: {len(state.alerts)}")
    for (name, tag), uuid in sorted(state.deployments.items()):
        click.echo(f"  {name}@{tag} -> {uuid} (v{state.models[uuid].version})")


@registry.command("rebuild")
@click.option("--restore", is_flag=True, help="Also re-publish archived events to an empty platform.events.")
@click.pass_context
def registry_rebuild(ctx: click.Context, restore: bool) -> None:
    """Rebuild the views from the lake archive (after the memory-only broker restarted)."""
    from fresco import devstack
    from fresco.registry.log import restore_topic

    state = _state(ctx, from_archive=True)
    click.echo(f"rebuilt from archive: {state.applied} events, {len(state.models)} models, "
               f"{len(state.features)} feature views, {len(state.deployments)} deployments")
    if restore:
        config = _ctx_config(ctx)
        n = restore_topic(devstack.kafka_bootstrap(config), config.lake)
        click.echo(f"re-published {n} events to platform.events")


@click.group()
def features() -> None:
    """Feature views registered on the platform log."""


@features.command("list")
@click.option("--entity", default=None, help="Only views of this entity.")
@click.option("--tag", default=None, help="Only views carrying this tag.")
@click.option("--owner", default=None, help="Only views of this owner.")
@click.option("--search", default=None, help="Case-insensitive text in the name or description.")
@click.pass_context
def features_list(ctx: click.Context, entity: str | None, tag: str | None, owner: str | None,
                  search: str | None) -> None:
    """List feature views (latest version of each), optionally filtered."""
    state = _state(ctx)
    for name, versions in sorted(state.features.items()):
        v = versions[-1].view
        if (entity and v.entity != entity) or (tag and tag not in v.tags) or (owner and v.owner != owner):
            continue
        if search and search.lower() not in f"{v.name} {v.description}".lower():
            continue
        window = v.window_kind if v.window_kind == "lifetime" else f"{v.window_kind} {v.window}"
        click.echo(f"{name:<36} v{versions[-1].version:<3} {v.engine:<6} {v.aggregation} over {window}  "
                   f"owner {v.owner}  {v.description}")


@features.command("show")
@click.argument("name")
@click.pass_context
def features_show(ctx: click.Context, name: str) -> None:
    """Show one feature view: definition and versions."""
    state = _state(ctx)
    versions = state.features.get(name)
    if not versions:
        raise click.ClickException(f"no feature view {name!r}; see `fresco features list`")
    for fv in versions:
        click.echo(f"v{fv.version} defined {fv.defined_at:%Y-%m-%d %H:%M:%S}Z by {fv.actor}")
    for key, value in versions[-1].view.to_payload().items():
        click.echo(f"  {key}: {value}")
    used = [m for m in state.models.values() if name in m.config.get("inputs", []) or
            f"feature:{name}" in m.config.get("inputs", [])]
    click.echo(f"  used by: {', '.join(f'{m.model_name} v{m.version}' for m in used) or 'no model'}")
    backfills = [b for b in state.backfills if b["feature_view"] == name]
    if backfills:
        b = backfills[-1]
        click.echo(f"  last backfill: {b['rows']:,} rows in [{b['start']:%Y-%m-%d %H:%M}, {b['end']:%Y-%m-%d %H:%M})")
    from fresco.features.stats import feature_stats

    stats = feature_stats(_ctx_config(ctx).lake, name)
    if stats is None:
        click.echo("  offline table: empty")
        return
    fmt = lambda x: "-" if x is None else f"{x:,.3f}"  # noqa: E731
    click.echo(f"  offline table: {stats.rows:,} rows, {stats.entities:,} entities, null rate {stats.null_rate:.2%}")
    click.echo(f"  freshness: newest event time {stats.last_event_time:%Y-%m-%d %H:%M:%S}Z, "
               f"ingested {stats.last_ingest_time:%Y-%m-%d %H:%M:%S}Z; {stats.rows_last_day:,} rows in its last day")
    click.echo(f"  distribution: mean {fmt(stats.mean)} sd {fmt(stats.stddev)} min {fmt(stats.minimum)} "
               f"median {fmt(stats.median)} max {fmt(stats.maximum)}")


@features.command("backfill")
@click.argument("name")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First UTC date to (re)compute, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last UTC date to (re)compute, inclusive, YYYY-MM-DD.")
@click.option("--online/--no-online", default=False, show_default=True,
              help="Also seed the online store with each entity's newest value (cold start).")
@click.pass_context
def features_backfill(ctx: click.Context, name: str, start, end, online: bool) -> None:
    """Replay archived events through the view's fold on Spark into its offline table.

    Re-running a range replaces it (no duplicate rows). Emits BackfillCompleted.
    """
    from datetime import timedelta

    from tqdm import tqdm

    from batch.features import run_feature_job
    from batch.spark import spark_session
    from fresco import devstack
    from fresco.registry.client import PlatformClient
    from fresco.stores.online import open_online_store
    from fresco.timeutil import UTC

    config = _ctx_config(ctx)
    platform = PlatformClient(devstack.kafka_bootstrap(config), actor="cli")
    view = platform.state().feature_view(name)
    if view is None:
        raise click.ClickException(f"no feature view {name!r}; see `fresco features list`")
    lo, hi = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC) + timedelta(days=1)
    if hi <= lo:
        raise click.ClickException(f"--to {end:%Y-%m-%d} is before --from {start:%Y-%m-%d}")
    bar = tqdm(total=5, desc=f"backfill {name}", unit="step")

    def step(label: str) -> None:
        bar.set_postfix_str(label)
        bar.update(1)

    step("start Spark")
    spark = spark_session(config, f"fresco-backfill-{name}")
    store = open_online_store(config) if online else None
    result = run_feature_job(spark, config.lake, view, store, lo, hi, progress=step)
    platform.backfill_completed(view.name, result.start, result.end, result.rows, result.online_rows,
                                result.table_uri)
    step("emit BackfillCompleted")
    bar.close()
    click.echo(f"{name}: {result.rows:,} rows for {lo:%Y-%m-%d}..{end:%Y-%m-%d} -> {result.table_uri}"
               f"{f'; {result.online_rows} entities seeded online' if online else ''}")


@click.group()
def models() -> None:
    """The model repository (a view of ModelRegistered / ModelDeployed events)."""


@models.command("list")
@click.pass_context
def models_list(ctx: click.Context) -> None:
    """List registered models with their holdout metrics and tags."""
    state = _state(ctx)
    tags = {uuid: f"{name}@{tag}" for (name, tag), uuid in state.deployments.items()}
    for m in sorted(state.models.values(), key=lambda m: (m.model_name, m.version)):
        click.echo(f"{m.model_name:<12} v{m.version:<3} {m.model_uuid}  rmse {m.metrics.get('rmse', float('nan')):8.1f}"
                   f"  {tags.get(m.model_uuid, '')}")
