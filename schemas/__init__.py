"""Avro contracts (.avsc) for every topic key and value, platform event and lake table."""
