"""Feast's side of the point-in-time bench; runs in its own venv (see bench/pit_vs_feast.py).

Usage: python bench/feast_pit.py DATA_DIR TTL_SECONDS RESULT_JSON
Imports only Feast and pandas, never Fresco.
"""

import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd


def main() -> None:
    data_dir, ttl_s, result_path = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    from feast import Entity, FeatureStore, FeatureView, Field, FileSource
    from feast.types import Float64
    from feast.value_type import ValueType

    repo = Path(tempfile.mkdtemp(prefix="feast-bench-"))
    (repo / "feature_store.yaml").write_text(
        "project: bench\nregistry: registry.db\nprovider: local\n"
        "online_store:\n  type: sqlite\n  path: online.db\n"
        "offline_store:\n  type: file\nentity_key_serialization_version: 3\n")
    entity = Entity(name="entity", join_keys=["entity_id"], value_type=ValueType.STRING)
    source = FileSource(path=str(data_dir / "features.parquet"), timestamp_field="event_timestamp")
    view = FeatureView(name="fv", entities=[entity], ttl=timedelta(seconds=ttl_s),
                       schema=[Field(name="value", dtype=Float64)], source=source, online=False)
    store = FeatureStore(repo_path=str(repo))
    store.apply([entity, view])
    labels = pd.read_parquet(data_dir / "labels.parquet")
    start = time.perf_counter()
    out = store.get_historical_features(entity_df=labels, features=["fv:value"]).to_df()
    seconds = time.perf_counter() - start
    out = out.sort_values("label_id")
    out[["label_id", "value"]].to_parquet(data_dir / "feast_out.parquet")
    json.dump({"rows": len(out), "seconds": seconds}, open(result_path, "w"))


if __name__ == "__main__":
    main()
