"""Validation of prediction requests: every error names the offending field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fresco.errors import RequestError
from fresco.timeutil import parse_iso_utc, utcnow


@dataclass(frozen=True)
class PredictRequest:
    request_id: str
    entity_key: str
    fields: dict[str, float]
    event_time: datetime


def _require_str(body: dict, name: str) -> str:
    if name not in body:
        raise RequestError(name, "is required")
    value = body[name]
    if not isinstance(value, str) or not value:
        raise RequestError(name, f"must be a non-empty string, got {type(value).__name__}")
    return value


def _require_number(body: dict, name: str) -> float:
    if name not in body:
        raise RequestError(name, "is required")
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestError(name, f"must be a number, got {type(value).__name__}")
    if value != value or value in (float("inf"), float("-inf")):
        raise RequestError(name, "must be finite")
    return float(value)


def parse_predict_request(body: Any, id_field: str, entity_field: str, numeric_fields: list[str]
                          ) -> PredictRequest:
    if not isinstance(body, dict):
        raise RequestError("body", f"must be a JSON object, got {type(body).__name__}")
    request_id = _require_str(body, id_field)
    entity = _require_str(body, entity_field)
    fields = {name: _require_number(body, name) for name in numeric_fields}
    if "event_time" in body:
        raw = body["event_time"]
        if not isinstance(raw, str):
            raise RequestError("event_time", f"must be an ISO-8601 string, got {type(raw).__name__}")
        try:
            event_time = parse_iso_utc(raw, "event_time")
        except ValueError as exc:
            raise RequestError("event_time", str(exc).split(": ", 1)[-1]) from exc
    else:
        event_time = utcnow()
    return PredictRequest(request_id, entity, fields, event_time)
