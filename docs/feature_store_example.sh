#!/usr/bin/env bash
# The README's feature-store walk-through, runnable as is: bash docs/feature_store_example.sh
set -euo pipefail
export FRESCO_HOME="${FRESCO_HOME:-$(mktemp -d)/fresco}"
FRESCO="${FRESCO:-.venv/bin/fresco}"
PY="${PY:-.venv/bin/python}"

$FRESCO dev up

# 1. Define a feature view: an event, a FeatureViewDefined, on the platform log.
$PY - <<'PY'
from datetime import timedelta
from fresco import devstack
from fresco.config import load_config
from fresco.features.definitions import FeatureView
from fresco.registry.client import PlatformClient

platform = PlatformClient(devstack.kafka_bootstrap(load_config()), actor="example")
platform.define_feature_view(FeatureView(
    name="restaurant.orders_ready_1h", entity="restaurant", entity_key="restaurant_id",
    source_topic="prep_completed", value_field="prep_time_s", aggregation="count",
    window=timedelta(hours=1), window_kind="tumbling", allowed_lateness=timedelta(minutes=5),
    engine="stream", ttl=timedelta(hours=3), owner="eta-team", tags=("etd",),
    description="orders ready per restaurant per UTC hour"))
PY

# 2. Events arrive; the archiver lands them in the lake.
$FRESCO simulate --days 2 --restaurants 10
$FRESCO archiver run & ARCHIVER=$!
sleep 12; kill $ARCHIVER; wait $ARCHIVER || true

# 3. Backfill from the archive with the same fold the stream agent runs; seed online.
$FRESCO features backfill restaurant.orders_ready_1h --from 2026-11-02 --to 2026-11-03 --online
$FRESCO features list --tag etd
$FRESCO features show restaurant.orders_ready_1h

# 4. A point-in-time training set: labels joined with values known at label time.
$PY - <<'PY'
from datetime import datetime, timedelta, timezone
from batch.spark import spark_session
from batch.training_set import point_in_time_join
from fresco.config import load_config
from fresco.stores import lake

config = load_config()
spark = spark_session(config)
labels = spark.createDataFrame(
    [("r001", datetime(2026, 11, 2, 12, 30, tzinfo=timezone.utc), 1450.0),
     ("r002", datetime(2026, 11, 3, 19, 5, tzinfo=timezone.utc), 2210.0)],
    "restaurant_id string, event_time timestamp, delivery_time_s double")
rows = spark.read.parquet(lake.table_uri(config.lake, "features", "restaurant.orders_ready_1h"))
training = point_in_time_join(labels, "restaurant_id", "event_time",
                              {"orders_ready_1h": (rows, timedelta(hours=3))})
training.show(truncate=False)
PY

$FRESCO dev down
