"""The fold and the aggregations, against values computed by hand."""

import math

import pytest

from fresco.errors import FrescoError
from fresco.features.aggregations import aggregate
from fresco.features.fold import FeatureFold, Update
from fresco.features.windows import WindowSpec

H = 3_600_000
M = 60_000


def values(updates):
    return [(u.event_time_ms, u.value) for u in updates]


def test_sliding_mean_by_hand():
    fold = FeatureFold("mean", WindowSpec("sliding", H))
    out, late = fold.run([(0, 600.0), (30 * M, 900.0), (H, 1200.0), (105 * M, 300.0)])
    assert late == 0
    assert values(out) == [
        (0, 600.0),
        (30 * M, 750.0),      # (600 + 900) / 2
        (H, 1050.0),          # 00:00 is exactly 1h old: (t-1h, t] excludes it -> (900 + 1200) / 2
        (105 * M, 750.0),     # (1200 + 300) / 2
    ]


def test_sliding_out_of_order_within_lateness_is_stamped_at_the_watermark():
    fold = FeatureFold("sum", WindowSpec("sliding", H), allowed_lateness_ms=20 * M)
    out, late = fold.run([(2 * H, 5.0), (2 * H - 10 * M, 1.0), (2 * H - 30 * M, 7.0)])
    assert values(out) == [(2 * H, 5.0), (2 * H, 6.0)]  # the third is 30 min late: rejected
    assert late == 1


def test_tumbling_emits_closed_windows_and_skips_empty_ones():
    fold = FeatureFold("count", WindowSpec("tumbling", H))
    out, _ = fold.run([(10 * M, 1.0), (20 * M, 1.0), (3 * H + 5 * M, 1.0), (4 * H, 1.0)])
    # [0,1h) closes when 03:05 arrives; [1h,2h) and [2h,3h) are empty; [3h,4h) closes at 04:00.
    assert values(out) == [(H, 2.0), (4 * H, 1.0)]


def test_tumbling_late_record_reemits_its_window():
    fold = FeatureFold("sum", WindowSpec("tumbling", H), allowed_lateness_ms=30 * M)
    out, late = fold.run([(10 * M, 1.0), (H + 5 * M, 2.0), (50 * M, 4.0), (H + 40 * M, 8.0), (20 * M, 16.0)])
    # 00:50 is 15 min behind the 01:05 watermark: allowed, [0,1h) is re-emitted as 5.
    # 00:20 is 80 min behind 01:40: late.
    assert values(out) == [(H, 1.0), (H, 5.0)]
    assert late == 1


def test_hopping_windows_overlap():
    fold = FeatureFold("sum", WindowSpec("hopping", 2 * H, H))
    out, _ = fold.run([(30 * M, 1.0), (90 * M, 2.0), (150 * M, 4.0), (5 * H, 0.0)])
    # windows [-1h,1h) [0,2h) [1h,3h) [2h,4h) close at 1h..4h; [3h,5h) is empty
    assert values(out) == [(H, 1.0), (2 * H, 3.0), (3 * H, 6.0), (4 * H, 4.0)]


def test_lifetime_running_aggregates():
    records = [(0, 3.0), (M, 5.0), (2 * M, 4.0), (3 * M, 4.0)]
    expect = {"count": 4.0, "sum": 16.0, "mean": 4.0, "min": 3.0, "max": 5.0, "last": 4.0,
              "stddev": math.sqrt(2 / 3), "approx_distinct": 3.0}
    for agg, expected in expect.items():
        out, _ = FeatureFold(agg, WindowSpec("lifetime")).run(records)
        assert out[-1].event_time_ms == 3 * M
        assert out[-1].value == pytest.approx(expected, rel=1e-12), agg


def test_lifetime_equals_a_huge_sliding_window():
    records = [(i * M, float((i * 37) % 11)) for i in range(50)]
    for agg in ("count", "sum", "mean", "min", "max", "last", "stddev", "approx_distinct"):
        life, _ = FeatureFold(agg, WindowSpec("lifetime")).run(records)
        slide, _ = FeatureFold(agg, WindowSpec("sliding", 10**12)).run(records)
        assert len(life) == len(slide)
        for a, b in zip(life, slide):
            assert (a.value is None and b.value is None) or a.value == pytest.approx(b.value, rel=1e-9), agg


def test_state_survives_json_roundtrip():
    import json
    fold = FeatureFold("approx_distinct", WindowSpec("lifetime"))
    state = fold.new_state()
    fold.process(state, 0, 1.0)
    state = json.loads(json.dumps(state))
    assert fold.process(state, 1, 2.0) == [Update(1, 2.0)]


@pytest.mark.parametrize("name,expected", [("sum", 6.0), ("count", 3.0), ("min", 1.0), ("max", 3.0),
                                           ("mean", 2.0), ("last", 3.0), ("stddev", 1.0),
                                           ("approx_distinct", 3.0)])
def test_aggregations(name, expected):
    assert aggregate(name, [1.0, 2.0, 3.0]) == expected


def test_empty_inputs_are_none_or_zero():
    assert aggregate("mean", []) is None and aggregate("count", []) == 0.0 and aggregate("stddev", [1.0]) is None


def test_bad_definitions_are_errors():
    with pytest.raises(FrescoError, match="unknown aggregation 'median'"):
        aggregate("median", [1.0])
    with pytest.raises(FrescoError, match="positive size"):
        WindowSpec("sliding", 0)
    with pytest.raises(FrescoError, match="step must divide"):
        WindowSpec("hopping", 3 * H, 2 * H)
    with pytest.raises(FrescoError, match="lateness"):
        FeatureFold("sum", WindowSpec("tumbling", H), -1)
