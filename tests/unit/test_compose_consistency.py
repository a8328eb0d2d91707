"""docker-compose.yml may only use configuration names Fresco actually reads."""

import re
from pathlib import Path

from fresco.config import CONFIG_FILE_ENV, ENV_PREFIX, FrescoConfig

ROOT = Path(__file__).resolve().parents[2]


def test_compose_uses_only_known_settings():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\b(FRESCO_[A-Z_]+)\b", text))
    known = {ENV_PREFIX + name.upper() for name in FrescoConfig.model_fields} | {CONFIG_FILE_ENV}
    assert used, "compose file should configure Fresco through FRESCO_* variables"
    assert used <= known, f"unknown settings in docker-compose.yml: {sorted(used - known)}"


def test_compose_runs_every_fresco_process_role():
    text = (ROOT / "docker-compose.yml").read_text()
    for command in ('"agents", "run"', '"archiver", "run"', '"serve"'):
        assert command in text
    for service in ("kafka:", "redis:", "cassandra:", "prometheus:", "grafana:"):
        assert f"\n  {service}" in text
