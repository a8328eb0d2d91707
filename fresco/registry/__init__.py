"""Registries as views of the platform event log (Kafka, or its lake archive)."""
