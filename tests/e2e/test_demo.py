"""The whole loop on small data: six stages, real processes, real outcomes."""

import io
import math

import pytest
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from fresco import devstack
from fresco.config import load_config
from fresco.demo.pipeline import DemoSettings, run_demo
from fresco.demo.report import Progress

pytestmark = pytest.mark.e2e


def test_demo_loop_on_small_data(tmp_path):
    config = load_config(home=str(tmp_path / "demo"), agents_metrics_port=devstack.free_port(),
                         archiver_metrics_port=devstack.free_port(), serving_port=devstack.free_port())
    out = io.StringIO()
    report = run_demo(config, DemoSettings(restaurants=20, history_days=5, live_hours=2, slice_minutes=15),
                      Progress(out))
    text = report.render()
    for n, stage in enumerate(["data", "stream", "batch", "train", "serve", "monitor"], start=1):
        assert f"[{n}/6] {stage}" in out.getvalue()
        assert f"{n}. {stage}" in text

    holdout = report.holdout
    assert holdout["etd"]["rmse"] < holdout["etd_no_1h"]["rmse"] < holdout["mean"]["rmse"]
    assert report.streaming_feature_helps

    truth = [y for y, _ in report.live_pairs]
    preds = [p for _, p in report.live_pairs]
    assert report.live["n"] == len(truth) > 50
    assert math.isclose(report.live["rmse"], math.sqrt(mean_squared_error(truth, preds)), rel_tol=1e-9)
    assert math.isclose(report.live["mae"], mean_absolute_error(truth, preds), rel_tol=1e-9)
    assert math.isclose(report.live["r2"], r2_score(truth, preds), rel_tol=1e-9)
    assert devstack.status(config) == []  # the demo stopped what it started
