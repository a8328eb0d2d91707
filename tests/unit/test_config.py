import pytest

from fresco.config import load_config
from fresco.errors import ConfigError


def test_defaults_select_the_embedded_stack(tmp_path):
    c = load_config(home=str(tmp_path))
    assert c.kafka_bootstrap is None and c.redis_url is None
    assert c.lake == str(tmp_path / "lake")
    assert c.online_store == "redis"


def test_environment_overrides_and_validation(monkeypatch, tmp_path):
    monkeypatch.setenv("FRESCO_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("FRESCO_TOPIC_PARTITIONS", "12")
    c = load_config(home=str(tmp_path))
    assert c.kafka_bootstrap == "kafka-1:9092,kafka-2:9092" and c.topic_partitions == 12
    monkeypatch.setenv("FRESCO_TOPIC_PARTITIONS", "zero")
    with pytest.raises(ConfigError, match="topic_partitions"):
        load_config(home=str(tmp_path))


def test_unknown_variables_and_keys_are_rejected(monkeypatch, tmp_path):
    monkeypatch.setenv("FRESCO_KAFKA_BOOTSTRAPP", "typo:9092")
    with pytest.raises(ConfigError, match="FRESCO_KAFKA_BOOTSTRAPP"):
        load_config(home=str(tmp_path))
    monkeypatch.delenv("FRESCO_KAFKA_BOOTSTRAPP")
    cfg = tmp_path / "fresco.toml"
    cfg.write_text('[fresco]\nonline_store = "cassandra"\ncassandra_hosts = "c1,c2"\nbogus = 1\n')
    monkeypatch.setenv("FRESCO_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="bogus"):
        load_config(home=str(tmp_path))


def test_file_then_env_precedence(monkeypatch, tmp_path):
    cfg = tmp_path / "fresco.toml"
    cfg.write_text('[fresco]\nonline_store = "cassandra"\ncassandra_hosts = "c1, c2:9043"\nserving_port = 9000\n')
    monkeypatch.setenv("FRESCO_CONFIG", str(cfg))
    monkeypatch.setenv("FRESCO_SERVING_PORT", "9100")
    c = load_config(home=str(tmp_path))
    assert c.online_store == "cassandra"
    assert c.cassandra_contact_points == ["c1", "c2:9043"]
    assert c.serving_port == 9100


def test_secrets_do_not_print(tmp_path):
    c = load_config(home=str(tmp_path), redis_password="hunter2")
    assert "hunter2" not in repr(c)
    assert c.redis_password.get_secret_value() == "hunter2"
