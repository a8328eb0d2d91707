import math
from datetime import datetime, timedelta, timezone

import pytest

from fresco.errors import FrescoError
from fresco.models.spec import ETD, ModelConfig, assemble


def test_vector_in_config_order_with_nan_for_missing():
    t = datetime(2026, 11, 4, 13, 5, tzinfo=timezone.utc)  # a Wednesday
    v = assemble(ETD, {"distance_km": 2.5}, t, {"restaurant.prep_time_mean_1h": None,
                                                 "restaurant.prep_time_mean_7d": 900.0})
    assert v[:3] == [2.5, 13.0, 2.0]
    assert math.isnan(v[3]) and v[4] == 900.0


def test_time_parts_use_utc_even_for_other_offsets():
    t = datetime(2026, 11, 4, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # = 04:30Z Thursday
    assert assemble(ETD, {"distance_km": 1}, t, {})[1:3] == [4.0, 3.0]


def test_naive_time_is_rejected():
    with pytest.raises(ValueError, match="naive"):
        assemble(ETD, {}, datetime(2026, 1, 1), {})  # noqa: DTZ001 - the point of the test


def test_bad_inputs_are_named():
    with pytest.raises(FrescoError, match="unknown time part 'minute'"):
        ModelConfig("m", ("time:minute",))
    with pytest.raises(FrescoError, match="'distance_km' must be"):
        ModelConfig("m", ("distance_km",))
    assert ModelConfig.from_dict(ETD.to_dict()) == ETD
