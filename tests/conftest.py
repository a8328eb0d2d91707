"""Session fixtures: the real embedded broker and Valkey, and a local Spark session.

Nothing here is mocked: integration tests talk to a Tansu broker and a Valkey
server started from their PyPI wheels, in a temporary FRESCO home.
"""

from __future__ import annotations

import os

import pytest

from fresco import devstack
from fresco.config import load_config

# Read before the environment is cleaned: the Cassandra backend suite runs only
# when a Cassandra cluster is configured this way.
CASSANDRA_HOSTS = os.environ.get("FRESCO_CASSANDRA_HOSTS")

# Tests own their configuration; a developer's FRESCO_* must not leak in.
for _name in [k for k in os.environ if k.startswith("FRESCO_")]:
    del os.environ[_name]


@pytest.fixture(scope="session")
def stack_home(tmp_path_factory):
    return tmp_path_factory.mktemp("fresco-home")


@pytest.fixture(scope="session")
def config(stack_home):
    return load_config(home=str(stack_home), agents_metrics_port=devstack.free_port(),
                       archiver_metrics_port=devstack.free_port(), serving_port=devstack.free_port())


@pytest.fixture(scope="session")
def stack(config):
    from streams.kafka import ensure_topics

    services = devstack.up(config)
    ensure_topics(services["kafka"].address, config.topic_partitions)
    yield services
    devstack.down(config)


@pytest.fixture(scope="session")
def bootstrap(stack):
    return stack["kafka"].address


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from batch.spark import spark_session

    cfg = load_config(home=str(tmp_path_factory.mktemp("spark-home")))
    session = spark_session(cfg, "fresco-tests")
    yield session
    session.stop()
