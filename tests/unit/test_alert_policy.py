from agents.alerts import AlertPolicy
from fresco.metrics import RegressionState


def _state(n, err):
    s = RegressionState()
    for i in range(n):
        s.update(100.0 + i, 100.0 + i + err)
    return s


def test_alert_needs_enough_pairs_and_a_real_breach():
    policy = AlertPolicy(min_pairs=200, max_ratio=1.5)
    assert not policy.breached(_state(199, 50.0), holdout_rmse=10.0)  # too few pairs
    assert policy.breached(_state(200, 50.0), holdout_rmse=10.0)
    assert not policy.breached(_state(500, 14.9), holdout_rmse=10.0)  # within 1.5x
    assert not policy.breached(_state(500, 50.0), holdout_rmse=None)  # unknown model
