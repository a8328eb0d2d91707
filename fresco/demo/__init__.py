"""The ETD walking skeleton: simulated marketplace, six-stage pipeline, report."""
