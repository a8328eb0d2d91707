"""One frozen, validated configuration for every Fresco process.

Sources, highest precedence first: keyword overrides, ``FRESCO_*`` environment
variables, the TOML file named by ``FRESCO_CONFIG`` (or ``./fresco.toml``),
defaults. Leaving the Kafka and Redis endpoints unset selects the embedded
stack started by ``fresco dev up``; production is configuration only.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from fresco.errors import ConfigError

ENV_PREFIX = "FRESCO_"
CONFIG_FILE_ENV = "FRESCO_CONFIG"


class FrescoConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    home: Path = Field(Path(".fresco"), description="State folder: dev stack, lake, artifacts")
    kafka_bootstrap: str | None = Field(None, description="host:port list; unset = embedded Tansu")
    online_store: Literal["redis", "cassandra", "memory"] = "redis"
    redis_url: str | None = Field(None, description="redis://host:port/db; unset = embedded Valkey")
    redis_password: SecretStr | None = None
    cassandra_hosts: str | None = Field(None, description="comma-separated contact points")
    cassandra_keyspace: str = "fresco"
    spark_master: str = "local[2]"
    lake_root: str | None = Field(None, description="path or hdfs:// / s3a:// URI; unset = HOME/lake")
    artifact_root: str | None = Field(None, description="model artifacts; unset = HOME/artifacts")
    topic_partitions: int = Field(4, ge=1, le=256)
    replication_factor: int = Field(1, ge=1, le=5)
    serving_host: str = "127.0.0.1"
    serving_port: int = Field(8700, ge=0, le=65535)
    serving_tag: str = "production"
    agents_metrics_port: int = Field(9464, ge=0, le=65535)
    archiver_metrics_port: int = Field(9465, ge=0, le=65535)
    scoring_model: str | None = Field(None, description="model the agents score every order with (at serving_tag)")
    agents_app_id: str = Field("fresco-agents", description="Faust app id = consumer group of the agents")
    agent_batch_size: int = Field(2000, ge=1, le=100_000,
                                  description="events per feature-agent batch (1 = per event)")

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def lake(self) -> str:
        return self.lake_root or str(self.home / "lake")

    @property
    def artifacts(self) -> str:
        return self.artifact_root or str(self.home / "artifacts")

    @property
    def dev_dir(self) -> Path:
        return self.home / "dev"

    @property
    def cassandra_contact_points(self) -> list[str]:
        return [h.strip() for h in (self.cassandra_hosts or "").split(",") if h.strip()]


def _file_values() -> dict[str, Any]:
    path = os.environ.get(CONFIG_FILE_ENV)
    if path is None:
        default = Path("fresco.toml")
        if not default.exists():
            return {}
        path = str(default)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{CONFIG_FILE_ENV}={path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return data.get("fresco", data)


def _check_unknown_env() -> None:
    known = {ENV_PREFIX + name.upper() for name in FrescoConfig.model_fields} | {CONFIG_FILE_ENV}
    unknown = sorted(k for k in os.environ if k.startswith(ENV_PREFIX) and k not in known)
    if unknown:
        raise ConfigError(f"unknown configuration variable(s): {', '.join(unknown)}")


def load_config(**overrides: Any) -> FrescoConfig:
    """Build the configuration; raises ConfigError naming the bad key."""
    _check_unknown_env()
    file_values = _file_values()
    # File values must not shadow environment variables, so only pass keys the env lacks.
    init = {k: v for k, v in file_values.items() if ENV_PREFIX + k.upper() not in os.environ}
    init.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return FrescoConfig(**init)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
