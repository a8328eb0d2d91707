"""Spark jobs: batch features, backfills, point-in-time training sets, training."""
