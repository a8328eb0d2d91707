"""Typed platform events: the only way any platform state changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fresco.errors import RegistryError
from fresco.timeutil import utcnow

NAMESPACE = "fresco.platform."
EVENT_TYPES = ("FeatureViewDefined", "BackfillCompleted", "TrainingCompleted",
               "ModelRegistered", "ModelDeployed", "AlertRaised")


@dataclass(frozen=True)
class PlatformEvent:
    event_id: str
    event_time: datetime
    event_type: str
    actor: str
    subject: str
    payload: dict[str, Any]

    def to_record(self) -> dict[str, Any]:
        # Tuple notation tells fastavro which union branch to write.
        return {"event_id": self.event_id, "event_time": self.event_time,
                "event_type": self.event_type, "actor": self.actor, "subject": self.subject,
                "payload": (NAMESPACE + self.event_type, self.payload)}

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> "PlatformEvent":
        payload = rec["payload"]
        if isinstance(payload, tuple):
            payload = payload[1]
        return cls(rec["event_id"], rec["event_time"], rec["event_type"], rec["actor"],
                   rec["subject"], payload)


def new_event(event_type: str, subject: str, payload: dict[str, Any], actor: str) -> PlatformEvent:
    if event_type not in EVENT_TYPES:
        raise RegistryError(f"unknown platform event type {event_type!r}; known: {', '.join(EVENT_TYPES)}")
    return PlatformEvent(str(uuid.uuid4()), utcnow(), event_type, actor, subject, payload)
