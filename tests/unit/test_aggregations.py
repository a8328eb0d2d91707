import pytest

from fresco.errors import FrescoError
from fresco.features.aggregations import RollingWindow, aggregate, rolling_values, snapshot_values

H = 3_600_000


def test_rolling_mean_by_hand():
    # prep times at 00:00, 00:30, 01:00, 01:45 (ms), 1h window (t-1h, t]
    events = [(0, 600.0), (H // 2, 900.0), (H, 1200.0), (H + 3 * H // 4, 300.0)]
    assert rolling_values(events, H, "mean") == [
        (0, 600.0),
        (H // 2, 750.0),             # (600 + 900) / 2
        (H, 1050.0),                 # 00:00 is exactly 1h old: excluded -> (900 + 1200) / 2
        (H + 3 * H // 4, 750.0),     # (1200 + 300) / 2
    ]


def test_window_boundary_is_open_on_the_left_closed_on_the_right():
    w = RollingWindow(H)
    w.add(0, 1.0)
    w.add(H, 3.0)
    assert w.values_at(H) == [3.0]
    assert w.values_at(H - 1) == [1.0]


def test_out_of_order_events_land_in_event_time_order():
    w = RollingWindow(H, allowed_lateness_ms=H)
    w.add(2 * H, 5.0)
    w.add(H + 10, 1.0)  # late but within lateness
    assert w.values_at(2 * H) == [1.0, 5.0]
    assert w.value_at(2 * H, "max") == 5.0


def test_evict_keeps_what_lateness_may_still_need():
    w = RollingWindow(H, allowed_lateness_ms=H // 2)
    for ts in (0, H // 4, H, 2 * H):
        w.add(ts, 1.0)
    w.evict(2 * H)
    assert [p[0] for p in w.to_pairs()] == [H, 2 * H]  # kept: ts > 2H - 1.5H


def test_state_roundtrips_through_pairs():
    w = RollingWindow(H, pairs=[[0, 1.0], [10, 2.0]])
    assert RollingWindow(H, pairs=w.to_pairs()).to_pairs() == [[0, 1.0], [10, 2.0]]


def test_empty_window_gives_none_not_zero():
    w = RollingWindow(H)
    w.add(0, 4.0)
    assert w.value_at(5 * H, "mean") is None
    assert w.value_at(5 * H, "count") == 0.0


def test_snapshots_at_given_instants():
    day = 24 * H
    events = [(0, 10.0), (day // 2, 20.0), (day + 1, 30.0)]
    assert snapshot_values(events, 7 * day, "mean", [day, 2 * day]) == [(day, 15.0), (2 * day, 20.0)]


@pytest.mark.parametrize("name,expected", [("sum", 6.0), ("count", 3.0), ("min", 1.0), ("max", 3.0), ("mean", 2.0)])
def test_aggregations(name, expected):
    assert aggregate(name, [1.0, 2.0, 3.0]) == expected


def test_unknown_aggregation_and_bad_window_are_errors():
    with pytest.raises(FrescoError, match="unknown aggregation 'median'"):
        aggregate("median", [1.0])
    with pytest.raises(FrescoError, match="window must be positive"):
        RollingWindow(0)
