"""DSL validation: every error names the expression, line and column."""

from datetime import datetime, timezone

import pytest

from fresco.dsl.checker import check_program
from fresco.dsl.compile_python import compile_python
from fresco.dsl.syntax import DslError

REQ = {"distance_km": "number", "event_time": "timestamp", "restaurant_id": "string", "vip": "bool"}
FEATURES = {"restaurant.prep_time_mean_1h"}


def error(exprs):
    with pytest.raises(DslError) as info:
        check_program(REQ, exprs, FEATURES)
    return info.value


@pytest.mark.parametrize("exprs,where,words", [
    ([("a", "fill(@feature.restaurant.nope, 0)")], ("a", 1, 6), "unknown feature 'restaurant.nope'"),
    ([("a", "1 +\n  frobnicate(2)")], ("a", 2, 3), "unknown function 'frobnicate'"),
    ([("a", "clip(@request.distance_km, 1)")], ("a", 1, 1), "clip() takes 3 argument(s), got 2"),
    ([("a", "@request.distance_km + 'x'")], ("a", 1, 24), "'+' needs numbers, got string"),
    ([("a", "log(@request.restaurant_id)")], ("a", 1, 5), "log() argument 1 must be number, got string"),
    ([("a", "@request.speed * 2")], ("a", 1, 1), "unknown request field 'speed'"),
    ([("a", "b + 1"), ("b", "2")], ("a", 1, 1), "only earlier expressions"),
    ([("a", "hour_of_day(@request.event_time, 'Mars/Olympus')")], ("a", 1, 34), "unknown time zone"),
    ([("a", "bucketize(@request.distance_km, @request.distance_km)")], ("a", 1, 33), "must be a literal"),
    ([("a", "fill(@request.distance_km, 'zero')")], ("a", 1, 28), "must have one type"),
    ([("ok", "1"), ("a", "(1 + 2")], ("a", 1, 7), "expected ')'"),
    ([("a", "1 $ 2")], ("a", 1, 3), "unexpected character '$'"),
    ([("a", "@request.vip < true")], ("a", 1, 14), "does not order booleans"),
    ([("a", "isin(@request.distance_km, ['a'])")], ("a", 1, 28), "needs a list of the first argument's type"),
])
def test_errors_point_at_expression_line_and_column(exprs, where, words):
    err = error(exprs)
    assert (err.expr, err.line, err.col) == where, str(err)
    assert words in err.message
    assert str(err).startswith(f"{where[0]}:{where[1]}:{where[2]}: ")


def test_normalize_without_frozen_statistics_is_an_error_at_compile_time():
    program = check_program(REQ, [("d", "normalize(@request.distance_km)")], FEATURES)
    with pytest.raises(DslError, match="needs statistics frozen from a training set"):
        compile_python(program)


def test_python_semantics_by_hand():
    program = check_program(REQ, [
        ("hour_ny", "hour_of_day(@request.event_time, 'America/New_York')"),
        ("weekend", "is_weekend(@request.event_time, 'UTC')"),
        ("prep", "fill(@feature.restaurant.prep_time_mean_1h, 600)"),
        ("bucket", "bucketize(@request.distance_km, [1, 3, 5])"),
        ("scaled", "prep / 60 + bucket"),
        ("vip_or_null", "@request.vip or null"),
        ("div0", "1 / 0"),
    ], FEATURES)
    vector = compile_python(program)
    t = datetime(2026, 11, 7, 15, 30, tzinfo=timezone.utc)  # Saturday, 10:30 in New York
    out = vector({"distance_km": 3.0, "event_time": t, "restaurant_id": "r1", "vip": False}, {})
    assert out == [10.0, True, 600.0, 2.0, 12.0, None, None]
