"""`fresco dsl`: validate a DSL config and evaluate it for one request."""

from __future__ import annotations

import json

import click


@click.group()
def dsl() -> None:
    """The feature DSL: typed expressions compiled to Python and Spark."""


@dsl.command("check")
@click.argument("config_path", type=click.Path(exists=True, dir_okay=False))
def dsl_check(config_path: str) -> None:
    """Validate CONFIG (TOML) and print each expression with its resolved type."""
    from fresco.dsl.config import load_dsl_config
    from fresco.dsl.syntax import DslError

    try:
        config = load_dsl_config(config_path)
        program = config.check()
    except DslError as exc:
        raise click.ClickException(str(exc)) from None
    for name, kind in program.request.items():
        click.echo(f"request.{name}: {kind}")
    for typed in program.expressions:
        click.echo(f"{typed.name}: {typed.type} = {' '.join(typed.text.split())}")
    if program.features:
        click.echo(f"features read: {', '.join(program.features)}")
    if program.stat_sites:
        click.echo(f"statistics frozen at training: {', '.join(f'{e}#{i} ({fn})' for e, i, fn in program.stat_sites)}")


@dsl.command("eval")
@click.argument("config_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--request", "request_json", required=True, help="The request as JSON; timestamps in ISO-8601.")
@click.option("--features", "features_json", default="{}", show_default=True,
              help="Feature values as JSON, by canonical name; missing ones are null.")
def dsl_eval(config_path: str, request_json: str, features_json: str) -> None:
    """Print the feature vector CONFIG produces for one request."""
    from fresco.dsl.config import load_dsl_config, request_from_json
    from fresco.dsl.syntax import DslError

    try:
        config = load_dsl_config(config_path)
        vector = config.python()
        request = request_from_json(config, request_json)
        features = json.loads(features_json)
    except (DslError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for (name, _), value in zip(config.expressions, vector(request, features)):
        click.echo(f"{name} = {value!r}")
