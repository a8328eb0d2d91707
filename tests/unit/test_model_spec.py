from datetime import datetime, timedelta, timezone

import pytest

from fresco.dsl.syntax import DslError
from fresco.models.spec import ETD, ETD_WITHOUT_1H, ModelConfig
from fresco.dsl.config import DslConfig

STATS = {"prep_1h_z#0": {"mean": 900.0, "stddev": 300.0, "min": 100.0, "max": 4000.0}}


def test_etd_vector_from_its_dsl_with_frozen_stats():
    config = ETD.with_stats(STATS)
    t = datetime(2026, 11, 4, 13, 5, tzinfo=timezone.utc)  # a Wednesday
    v = config.vectorizer()({"distance_km": 2.5, "event_time": t},
                            {"restaurant.prep_time_mean_1h": None, "restaurant.prep_time_mean_7d": 900.0})
    names = config.feature_names
    got = dict(zip(names, v))
    assert (got["hour"], got["weekday"], got["distance_km"], got["distance_bucket"]) == (13.0, 2.0, 2.5, 2.0)
    assert got["prep_1h"] is None  # missing stays missing for xgboost...
    assert got["prep_1h_z"] == 0.0 and got["busy_ratio"] == 1.0  # ...but the filled inputs fall back to 7d


def test_time_parts_use_utc_even_for_other_offsets():
    t = datetime(2026, 11, 4, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # = 04:30Z Thursday
    v = ETD_WITHOUT_1H.vectorizer()({"distance_km": 1.0, "event_time": t}, {})
    assert v[:2] == [4.0, 3.0]


def test_config_roundtrips_and_rejects_bad_dsl():
    config = ETD.with_stats(STATS)
    assert ModelConfig.from_dict(config.to_dict()) == config
    assert config.feature_views == ["restaurant.prep_time_mean_7d", "restaurant.prep_time_mean_1h"]
    with pytest.raises(DslError, match="unknown function 'minute'"):
        ModelConfig("m", DslConfig({"t": "timestamp"}, [("m", "minute(@request.t)")]))
    with pytest.raises(DslError, match="needs statistics"):
        ETD.vectorizer()  # normalize() without training statistics
