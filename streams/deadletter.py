"""Dead-letter records: the reason, the original bytes and where they came from."""

from __future__ import annotations

from prometheus_client import Counter

from fresco.timeutil import utcnow

DEAD_LETTERS = Counter("fresco_dead_letters", "Records routed to the dead-letter topic",
                       ["step", "topic", "error_type"])


def dead_letter_record(step_id: str, topic: str, partition: int, offset: int, exc: BaseException,
                       key: bytes | None, value: bytes | None) -> dict:
    DEAD_LETTERS.labels(step_id, topic, type(exc).__name__).inc()
    return {
        "step_id": step_id, "source_topic": topic, "partition": partition, "offset": offset,
        "reason": str(exc), "error_type": type(exc).__name__, "key": key, "value": value,
        "event_time": utcnow(),
    }
