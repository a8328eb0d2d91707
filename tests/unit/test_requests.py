from datetime import datetime, timezone

import pytest

from fresco.errors import RequestError
from serving.requests import parse_predict_request


def parse(body):
    return parse_predict_request(body, "order_id", "restaurant_id",
                                 {"distance_km": "number", "event_time": "timestamp"})


def test_valid_request():
    req = parse({"order_id": "o1", "restaurant_id": "r1", "distance_km": 3, "event_time": "2026-11-02T12:00:00Z"})
    assert req.fields == {"distance_km": 3.0, "event_time": datetime(2026, 11, 2, 12, tzinfo=timezone.utc)}
    assert req.event_time == datetime(2026, 11, 2, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("body,field,words", [
    ({"restaurant_id": "r1", "distance_km": 1.0}, "order_id", "is required"),
    ({"order_id": "o1", "distance_km": 1.0}, "restaurant_id", "is required"),
    ({"order_id": "o1", "restaurant_id": "r1"}, "distance_km", "is required"),
    ({"order_id": "o1", "restaurant_id": "r1", "distance_km": "far"}, "distance_km", "must be a number, got str"),
    ({"order_id": "o1", "restaurant_id": "r1", "distance_km": True}, "distance_km", "got bool"),
    ({"order_id": 5, "restaurant_id": "r1", "distance_km": 1.0}, "order_id", "got int"),
    ({"order_id": "o1", "restaurant_id": "r1", "distance_km": 1.0, "event_time": "2026-11-02T12:00:00"},
     "event_time", "naive"),
    ({"order_id": "o1", "restaurant_id": "r1", "distance_km": 1.0, "event_time": 1234}, "event_time", "got int"),
    ([1, 2], "body", "JSON object"),
])
def test_errors_name_the_field(body, field, words):
    with pytest.raises(RequestError) as info:
        parse(body)
    assert info.value.field == field
    assert words in str(info.value)
