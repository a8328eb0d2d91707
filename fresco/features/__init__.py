"""Feature definitions and the pure aggregation logic both engines call."""
