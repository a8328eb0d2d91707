"""Kafka transport: topic specs, Avro framing, producers, consumers, admin, lag."""
