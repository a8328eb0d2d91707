"""The feature DSL: one expression language, compiled to Python (serving, streams)
and to Spark Columns (batch, training), with identical results."""
