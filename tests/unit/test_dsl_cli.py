from pathlib import Path

from click.testing import CliRunner

from fresco.cli.main import cli

EXAMPLE = str(Path(__file__).resolve().parents[2] / "docs" / "dsl" / "etd.toml")


def test_check_prints_resolved_types():
    result = CliRunner().invoke(cli, ["dsl", "check", EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "busy_ratio: number = clip(prep_1h / prep_7d, 0, 5)" in result.output
    assert "features read: restaurant.prep_time_mean_1h, restaurant.prep_time_mean_7d" in result.output


def test_eval_uses_the_frozen_statistics():
    request = '{"order_id": "o1", "restaurant_id": "r1", "distance_km": 3.2, "event_time": "2026-11-07T12:30:00Z"}'
    result = CliRunner().invoke(cli, ["dsl", "eval", EXAMPLE, "--request", request,
                                      "--features", '{"restaurant.prep_time_mean_7d": 800}'])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(" = ") for line in result.output.strip().splitlines())
    assert lines["weekend"] == "1.0" and lines["distance_bucket"] == "2.0"
    assert lines["prep_1h"] == "800.0"  # filled from the 7-day value, as a double
    assert float(lines["prep_1h_z"]) == (800 - 912.4) / 318.0


def test_check_reports_position_of_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[request]\nx = "number"\n[expressions]\ny = "log(@request.x, 2)"\n')
    result = CliRunner().invoke(cli, ["dsl", "check", str(bad)])
    assert result.exit_code != 0
    assert "y:1:1: log() takes 1 argument(s), got 2" in result.output
