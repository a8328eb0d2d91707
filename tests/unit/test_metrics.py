import math
import random

import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error, mean_squared_log_error, r2_score

from fresco.metrics import RegressionState


def test_streaming_metrics_equal_scikit_learn():
    rng = random.Random(3)
    y = [rng.uniform(300, 3000) for _ in range(500)]
    p = [v + rng.gauss(0, 200) for v in y]
    s = RegressionState()
    for a, b in zip(y, p):
        s.update(a, b)
    assert math.isclose(s.rmse, math.sqrt(mean_squared_error(y, p)), rel_tol=1e-9)
    assert math.isclose(s.mae, mean_absolute_error(y, p), rel_tol=1e-9)
    assert math.isclose(s.r2, r2_score(y, p), rel_tol=1e-9)
    assert math.isclose(s.rmsle, math.sqrt(mean_squared_log_error(y, p)), rel_tol=1e-9)


def test_merge_equals_one_pass():
    rng = np.random.default_rng(1)
    y, p = rng.uniform(1, 10, 100), rng.uniform(1, 10, 100)
    a, b, whole = RegressionState(), RegressionState(), RegressionState()
    for i in range(100):
        (a if i % 3 else b).update(y[i], p[i])
        whole.update(y[i], p[i])
    merged = a.merge(b)
    assert merged.n == 100
    for key in ("rmse", "mae", "r2", "rmsle"):
        assert math.isclose(getattr(merged, key), getattr(whole, key), rel_tol=1e-9)
    assert RegressionState.from_dict(merged.to_dict()) == merged


def test_empty_state_is_nan_not_zero():
    s = RegressionState()
    assert math.isnan(s.rmse) and math.isnan(s.r2)
