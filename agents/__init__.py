"""Faust stream agents (features, monitoring) and the lake archiver."""
