"""One SparkSession recipe: UTC everywhere, small shuffles for local mode."""

from __future__ import annotations

import os
import sys

from fresco.config import FrescoConfig


def spark_session(config: FrescoConfig, app_name: str = "fresco"):
    from pyspark.sql import SparkSession

    # Workers must run the same interpreter as the driver (the project venv).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: loopback only
    local = config.spark_master.startswith("local")
    builder = (
        SparkSession.builder.master(config.spark_master).appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        # UTC-adjusted millisecond timestamps: what the Avro-derived lake schema says.
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MILLIS")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if local:
        builder = (builder.config("spark.sql.shuffle.partitions", "4")
                   .config("spark.default.parallelism", "4")
                   .config("spark.driver.memory", "2g")
                   .config("spark.sql.adaptive.enabled", "true"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
