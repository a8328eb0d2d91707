"""Storage backends: the online store (Redis/Valkey, Cassandra, memory) and the lake."""
