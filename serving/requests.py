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
    fields: dict[str, Any]  # typed request fields the model's DSL declares
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


def _timestamp(body: dict, name: str) -> datetime:
    raw = body[name]
    if not isinstance(raw, str):
        raise RequestError(name, f"must be an ISO-8601 string, got {type(raw).__name__}")
    try:
        return parse_iso_utc(raw, name)
    except ValueError as exc:
        raise RequestError(name, str(exc).split(": ", 1)[-1]) from exc


def parse_predict_request(body: Any, id_field: str, entity_field: str, schema: dict[str, str]
                          ) -> PredictRequest:
    """Validate a request against the model's DSL request schema (field -> type).

    `event_time` may be omitted (it is then the time of the request).
    """
    if not isinstance(body, dict):
        raise RequestError("body", f"must be a JSON object, got {type(body).__name__}")
    request_id = _require_str(body, id_field)
    entity = _require_str(body, entity_field)
    event_time = _timestamp(body, "event_time") if "event_time" in body else utcnow()
    fields: dict[str, Any] = {}
    for name, kind in schema.items():
        if kind == "number":
            fields[name] = _require_number(body, name)
        elif kind == "string":
            fields[name] = _require_str(body, name)
        elif kind == "timestamp":
            fields[name] = event_time if name == "event_time" else (
                _timestamp(body, name) if name in body else _missing(name))
        elif kind == "bool":
            if not isinstance(body.get(name), bool):
                raise RequestError(name, f"must be true or false, got {type(body.get(name)).__name__}")
            fields[name] = body[name]
    return PredictRequest(request_id, entity, fields, event_time)


def _missing(name: str):
    raise RequestError(name, "is required")
