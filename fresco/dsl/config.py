"""DSL configs (TOML), statistics fitting, and the object a model artifact stores.

    [request]                       # typed request fields
    distance_km = "number"
    event_time = "timestamp"

    [expressions]                   # ordered; later ones may use earlier names
    hour = "hour_of_day(@request.event_time, 'UTC')"
    dist = "normalize(fill(@request.distance_km, 0))"
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field

from pathlib import Path
from typing import Any

from fresco.dsl.checker import Program, check_program
from fresco.dsl.compile_python import compile_python
from fresco.dsl.syntax import DslError
from fresco.timeutil import parse_iso_utc


@dataclass
class DslConfig:
    request: dict[str, str]
    expressions: list[tuple[str, str]]
    stats: dict[str, dict[str, float]] = field(default_factory=dict)  # frozen at training

    def check(self, known_features: set[str] | None = None) -> Program:
        return check_program(self.request, self.expressions, known_features)

    def to_dict(self) -> dict[str, Any]:
        return {"request": self.request, "expressions": [list(e) for e in self.expressions], "stats": self.stats}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DslConfig":
        return cls(dict(d["request"]), [tuple(e) for e in d["expressions"]], dict(d.get("stats", {})))

    def python(self, known_features: set[str] | None = None):
        return compile_python(self.check(known_features), self.stats)


def load_dsl_config(path: str | Path) -> DslConfig:
    try:
        raw = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DslError(str(path), 1, 1, f"cannot read DSL config: {exc}") from exc
    unknown = set(raw) - {"request", "expressions", "stats"}
    if unknown:
        raise DslError(str(path), 1, 1, f"unknown section(s) {sorted(unknown)}; use [request] and [expressions]")
    exprs = raw.get("expressions", {})
    if not all(isinstance(v, str) for v in exprs.values()):
        raise DslError(str(path), 1, 1, "every [expressions] entry must be a string")
    return DslConfig(dict(raw.get("request", {})), list(exprs.items()), raw.get("stats", {}))


def fit_stats(config: DslConfig, frame) -> dict[str, dict[str, float]]:
    """Compute and freeze normalize()/minmax() statistics on a training DataFrame (Spark)."""
    from pyspark.sql import functions as F

    from fresco.dsl.compile_spark import argument_columns

    program = config.check()
    stats: dict[str, dict[str, float]] = {}
    for key, column in argument_columns(program, stats):
        row = frame.select(column.alias("v")).agg(
            F.mean("v").alias("mean"), F.stddev("v").alias("stddev"), F.min("v").alias("min"),
            F.max("v").alias("max")).first()
        stats[key] = {k: (float(row[k]) if row[k] is not None else 0.0) for k in ("mean", "stddev", "min", "max")}
    config.stats = stats
    return stats


def request_from_json(config: DslConfig, text: str) -> dict[str, Any]:
    """A request as JSON -> typed values (ISO-8601 strings for timestamps)."""
    body = json.loads(text)
    out: dict[str, Any] = {}
    for name, kind in config.request.items():
        value = body.get(name)
        out[name] = parse_iso_utc(value, name) if (kind == "timestamp" and isinstance(value, str)) else value
    return out



