"""Built-in functions: signatures, and the Spark implementations.

The Python forms are generated inline by fresco.dsl.compile_python.

Null in, null out unless a function says otherwise (fill, if, isin on null).
NaN inputs are nulls (both compilers convert them at the boundary), so the two
compiled forms agree on every input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NUMBER, BOOL, STRING, TIMESTAMP, NULL = "number", "bool", "string", "timestamp", "null"
LIST_NUMBER, LIST_STRING = "list<number>", "list<string>"
SCALARS = (NUMBER, BOOL, STRING, TIMESTAMP)


@dataclass(frozen=True)
class Builtin:
    name: str
    params: tuple[str, ...]  # types; "T" = any scalar, all "T" equal; "L" = a literal
    returns: str  # a type or "T"
    doc: str
    literal_args: tuple[int, ...] = ()  # positions that must be literals
    stats: tuple[str, ...] = ()  # statistics frozen from the training set


def python_log(x: float) -> float | None:
    """Natural log, null for x <= 0 (Spark's log gives null there too)."""
    return math.log(x) if x > 0 else None


BUILTINS: dict[str, Builtin] = {b.name: b for b in [
    Builtin("fill", ("T", "T"), "T", "fill(x, default): default when x is null"),
    Builtin("if", (BOOL, "T", "T"), "T", "if(cond, a, b): a when cond is true, else b (null cond -> b)"),
    Builtin("log", (NUMBER,), NUMBER, "natural log; null for x <= 0"),
    Builtin("abs", (NUMBER,), NUMBER, "absolute value"),
    Builtin("clip", (NUMBER, NUMBER, NUMBER), NUMBER, "clip(x, lo, hi)"),
    Builtin("bucketize", (NUMBER, LIST_NUMBER), NUMBER,
            "bucketize(x, [b1, b2, ...]): how many boundaries are <= x", literal_args=(1,)),
    Builtin("index", (STRING, LIST_STRING), NUMBER,
            "index(x, ['a', 'b']): position of x in the list, -1 if absent (categorical index)",
            literal_args=(1,)),
    Builtin("one_hot", (STRING, STRING), NUMBER, "one_hot(x, 'a'): 1 when x == 'a' else 0", literal_args=(1,)),
    Builtin("isin", ("T", "L"), BOOL, "isin(x, [..]): set membership", literal_args=(1,)),
    Builtin("hour_of_day", (TIMESTAMP, STRING), NUMBER, "hour_of_day(ts, 'Europe/Paris'): 0-23 in that zone",
            literal_args=(1,)),
    Builtin("day_of_week", (TIMESTAMP, STRING), NUMBER, "day_of_week(ts, tz): 0 = Monday .. 6 = Sunday",
            literal_args=(1,)),
    Builtin("is_weekend", (TIMESTAMP, STRING), BOOL, "is_weekend(ts, tz): Saturday or Sunday in that zone",
            literal_args=(1,)),
    Builtin("normalize", (NUMBER,), NUMBER, "z-score with the training set's mean and stddev (frozen)",
            stats=("mean", "stddev")),
    Builtin("minmax", (NUMBER,), NUMBER, "min-max scaling to [0, 1] with the training set's min and max (frozen)",
            stats=("min", "max")),
    Builtin("lower", (STRING,), STRING, "lower case"),
    Builtin("length", (STRING,), NUMBER, "number of characters"),
]}

def spark_impl(name: str, F, args: list, literals: list):
    """The Spark Column for builtin `name` (F = pyspark.sql.functions)."""
    if name == "log":
        return F.when(args[0] > 0, F.log(args[0]))
    if name == "abs":
        return F.abs(args[0])
    if name == "clip":
        x, lo, hi = args
        return F.when(x.isNull() | lo.isNull() | hi.isNull(), F.lit(None)).otherwise(
            F.least(F.greatest(x, lo), hi))
    if name == "bucketize":
        x, bounds = args[0], sorted(literals[1])
        total = F.lit(0.0)
        for b in bounds:
            total = total + F.when(x >= F.lit(float(b)), 1.0).otherwise(0.0)
        return F.when(x.isNull(), F.lit(None)).otherwise(total) if bounds else F.when(x.isNull(), None).otherwise(0.0)
    if name == "index":
        x, cats = args[0], literals[1]
        out = F.lit(-1.0)
        for i, cat in reversed(list(enumerate(cats))):
            out = F.when(x == F.lit(cat), float(i)).otherwise(out)
        return F.when(x.isNull(), F.lit(None)).otherwise(out)
    if name == "one_hot":
        return F.when(args[0].isNull(), F.lit(None)).otherwise(
            F.when(args[0] == F.lit(literals[1]), 1.0).otherwise(0.0))
    if name in ("hour_of_day", "day_of_week", "is_weekend"):
        local = F.from_utc_timestamp(args[0], literals[1])
        if name == "hour_of_day":
            return F.hour(local).cast("double")
        weekday = (F.dayofweek(local) + 5) % 7  # Spark: 1 = Sunday; ours: 0 = Monday
        return weekday.cast("double") if name == "day_of_week" else weekday >= 5
    if name == "lower":
        return F.lower(args[0])
    if name == "length":
        return F.length(args[0]).cast("double")
    raise KeyError(name)
