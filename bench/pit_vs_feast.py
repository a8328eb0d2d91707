"""Point-in-time join: Fresco (Spark, union + window) vs Feast's local file offline store.

Same generated data for both: labels (label_id, entity_id, event_timestamp) and
feature rows (entity_id, event_timestamp, value), unique timestamps per entity
so "latest at or before, within TTL" has one answer; the table also reports
whether both returned the same values. Feast runs in its own venv, created here
on first use (.fresco/bench/feast-venv), so it never shares packages with Fresco.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import table
from fresco.config import load_config

FEAST_REQUIREMENT = "feast==0.67.0"
TTL = timedelta(days=2)
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def feast_python(home: Path) -> str:
    venv = home / "bench" / "feast-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", FEAST_REQUIREMENT], check=True)
    return str(python)


def make_data(folder: Path, n_labels: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    entities = max(n_labels // 20, 10)
    n_features = n_labels
    span_ms = 30 * 86_400_000
    # Unique feature timestamps per entity: distinct millisecond offsets overall.
    f_ts = rng.choice(span_ms, size=n_features, replace=False)
    features = pd.DataFrame({
        "entity_id": (rng.integers(0, entities, n_features)).astype(str),
        "event_timestamp": pd.to_datetime(T0) + pd.to_timedelta(f_ts, unit="ms"),
        "value": rng.normal(100, 20, n_features).round(3),
    })
    # Label times on odd milliseconds, feature times shifted to even: no exact ties.
    features["event_timestamp"] = features["event_timestamp"].dt.floor("2ms")
    features = features.drop_duplicates(["entity_id", "event_timestamp"])
    labels = pd.DataFrame({
        "label_id": np.arange(n_labels),
        "entity_id": (rng.integers(0, entities, n_labels)).astype(str),
        "event_timestamp": pd.to_datetime(T0) + pd.to_timedelta(rng.integers(0, span_ms // 2, n_labels) * 2 + 1,
                                                                 unit="ms"),
    })
    # Millisecond timestamps: Spark cannot read Parquet nanosecond timestamps.
    for frame, name in ((features, "features"), (labels, "labels")):
        frame.to_parquet(folder / f"{name}.parquet", index=False, coerce_timestamps="ms")


def fresco_join(spark, folder: Path) -> float:
    from pyspark.sql import functions as F

    from batch.training_set import point_in_time_join

    labels = spark.read.parquet(str(folder / "labels.parquet"))
    rows = (spark.read.parquet(str(folder / "features.parquet"))
            .select(F.col("entity_id").alias("entity_key"), "value", F.col("event_timestamp").alias("event_time")))
    start = time.perf_counter()
    out = point_in_time_join(labels, "entity_id", "event_timestamp", {"value": (rows, TTL)})
    out.select("label_id", "value").write.mode("overwrite").parquet(str(folder / "fresco_out.parquet"))
    return time.perf_counter() - start


def compare(folder: Path) -> str:
    """Agreement on the label rows both returned, and how many rows Feast left out."""
    ours = pd.read_parquet(folder / "fresco_out.parquet")
    theirs = pd.read_parquet(folder / "feast_out.parquet")
    both = ours.merge(theirs, on="label_id", suffixes=("_fresco", "_feast"))
    a, b = both["value_fresco"].to_numpy(dtype=float), both["value_feast"].to_numpy(dtype=float)
    agree = bool(np.array_equal(np.isnan(a), np.isnan(b)) and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)]))
    missing = len(ours) - len(theirs)
    note = f"; Feast omitted {missing:,} label rows (no value in TTL)" if missing else ""
    return f"{'yes' if agree else 'NO'} on {len(both):,} shared rows{note}"


def run(config, sizes=(100_000, 1_000_000)) -> str:
    from batch.spark import spark_session

    # The stack's home is temporary; the Feast venv is kept across runs in the default home.
    python = feast_python(load_config().home)
    spark = spark_session(config, "fresco-bench-pit")
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="pit-") as tmp:
            folder = Path(tmp)
            make_data(folder, n)
            ours = fresco_join(spark, folder)
            result = folder / "feast.json"
            subprocess.run([python, str(Path(__file__).with_name("feast_pit.py")), str(folder),
                            str(int(TTL.total_seconds())), str(result)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            theirs = json.loads(result.read_text())["seconds"]
            rows.append([f"{n:,}", f"{ours:.1f}", f"{theirs:.1f}", f"{theirs / ours:.2f}",
                         compare(folder)])
    return table("point-in-time join, label rows x as many feature rows (ratio = Feast s / Fresco s)",
                 ["label rows", "Fresco Spark s", "Feast file s", "ratio", "same values"], rows)

