"""Register, lose the (memory-only) broker, rebuild the same state from the lake archive."""

import threading
import time

import pytest

from agents.archiver import Archiver
from fresco import devstack
from fresco.config import load_config
from fresco.features.definitions import DEMO_FEATURE_VIEWS
from fresco.registry.client import PlatformClient
from fresco.registry.log import archive_events, restore_topic
from fresco.registry.state import PlatformState
from streams.kafka import ensure_topics
from streams.lag import consumer_lag
from streams.topics import PLATFORM_EVENTS

pytestmark = pytest.mark.integration


def _archive_until_caught_up(config, bootstrap):
    archiver = Archiver(config, bootstrap, poll_s=0.1)
    thread = threading.Thread(target=archiver.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            lags = consumer_lag(bootstrap, "fresco-archiver", [PLATFORM_EVENTS.name])
            if lags and all(p.committed is not None and p.lag == 0 for p in lags):
                return
            time.sleep(0.2)
        raise AssertionError("archiver did not catch up")
    finally:
        archiver.stopping.set()
        thread.join(10)


def test_registry_survives_a_broker_restart(tmp_path):
    config = load_config(home=str(tmp_path))
    devstack.up(config)
    try:
        bootstrap = devstack.kafka_bootstrap(config)
        ensure_topics(bootstrap, 2)
        client = PlatformClient(bootstrap, actor="test")
        for view in DEMO_FEATURE_VIEWS:
            client.define_feature_view(view)
        for uuid in ("m-1", "m-2"):
            client.register_model(model_uuid=uuid, model_name="etd", run_id="r", artifact_uri=f"/x/{uuid}.zip",
                                  config={"inputs": []}, features=["a"], datasets={"d": "e"},
                                  metrics={"rmse": 1.0}, feature_importance={"a": 1.0})
        client.deploy("etd", "production", "m-1")
        client.deploy("etd", "production", "m-2")
        before = client.state().snapshot()
        assert before["deployments"] == {"etd@production": "m-2"}
        _archive_until_caught_up(config, bootstrap)

        devstack.down(config, only="kafka")
        devstack.up(config)  # a new, empty memory-only broker
        bootstrap = devstack.kafka_bootstrap(config)
        ensure_topics(bootstrap, 2)
        client = PlatformClient(bootstrap, actor="test")
        assert client.state().snapshot()["models"] == {}  # the log really is gone

        rebuilt = PlatformState.build(archive_events(config.lake)).snapshot()
        assert rebuilt == before
        assert restore_topic(bootstrap, config.lake) == 6
        assert client.state().snapshot() == before
        assert restore_topic(bootstrap, config.lake) == 0  # restoring twice duplicates nothing
    finally:
        devstack.down(config)
