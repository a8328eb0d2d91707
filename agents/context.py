"""What every agent needs, built once per worker from the configuration."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fresco.config import FrescoConfig
from fresco.stores.online import OnlineStore
from streams.kafka import EventProducer
from streams.topics import DEAD_LETTER
from streams.deadletter import dead_letter_record


@dataclass
class AgentContext:
    config: FrescoConfig
    bootstrap: str
    online: OnlineStore
    producer: EventProducer  # confluent-kafka: outputs and dead letters

    def dead_letter(self, step_id: str, message, exc: BaseException) -> None:
        """Route one undecodable/invalid record; it is never dropped silently."""
        record = dead_letter_record(step_id, message.topic, message.partition, message.offset,
                                    exc, message.key, message.value)
        self.producer.send(DEAD_LETTER, record)

    async def flush(self) -> None:
        # Outputs must be on the broker before Faust may commit the inputs' offsets.
        await asyncio.to_thread(self.producer.flush)
