"""normalize()/minmax() serve with the statistics frozen at training, never recomputed."""

import json

import pytest

from fresco.dsl.compile_spark import compile_spark
from fresco.dsl.config import DslConfig, fit_stats

pytestmark = pytest.mark.spark


def test_statistics_are_fitted_on_training_and_frozen_for_serving(spark):
    config = DslConfig({"x": "number"}, [("z", "normalize(@request.x)"), ("m", "minmax(@request.x * 2)")])
    train = spark.createDataFrame([(v,) for v in (1.0, 2.0, 3.0, 4.0, None)], "x double")
    stats = fit_stats(config, train)
    assert stats["z#0"]["mean"] == 2.5 and stats["z#0"]["stddev"] == pytest.approx(1.2909944487, rel=1e-9)
    assert (stats["m#0"]["min"], stats["m#0"]["max"]) == (2.0, 8.0)

    saved = json.loads(json.dumps(config.to_dict()))  # what a model artifact stores
    serving = DslConfig.from_dict(saved).python()
    # A serving request far from the training distribution: still scaled with training stats.
    z, m = serving({"x": 100.0}, {})
    assert z == pytest.approx((100.0 - 2.5) / 1.2909944487, rel=1e-9)
    assert m == pytest.approx((200.0 - 2.0) / 6.0)

    other = spark.createDataFrame([(100.0,), (101.0,)], "x double")
    [row] = other.limit(1).select(*[c for _, c in compile_spark(config.check(), config.stats)]).collect()
    assert row["z"] == pytest.approx(z) and row["m"] == pytest.approx(m)
