"""Timezone-aware UTC helpers. Every timestamp in Fresco is UTC and tz-aware."""

from __future__ import annotations

from datetime import datetime, timezone

UTC = timezone.utc


def utcnow() -> datetime:
    return datetime.now(UTC)


def require_utc(value: datetime, what: str) -> datetime:
    """Reject naive datetimes instead of guessing their zone."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what}: expected datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what}: naive datetime {value!r}; pass a timezone-aware UTC datetime")
    return value.astimezone(UTC)


def to_millis(value: datetime) -> int:
    return int(require_utc(value, "timestamp").timestamp() * 1000)


def from_millis(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000.0, tz=UTC)


def parse_iso_utc(text: str, what: str) -> datetime:
    """Parse ISO-8601; a missing offset is an error, 'Z' means UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{what}: not an ISO-8601 timestamp: {text!r}") from exc
    return require_utc(value, what)
