"""Minimal Faust agents for the throughput bench, one variant per process.

Usage: python -m bench.faust_variants VARIANT BOOTSTRAP TOPIC N RESULT_FILE
Each variant decodes every record with the project's Avro codec and keeps the
latest value per key in a dict (the same work as the bare confluent loop), then
writes events/s measured from the first to the N-th event.
"""

from __future__ import annotations

import json
import os
import sys
import time

import faust

from agents.worker import faust_settings, quiet_worker
from fresco.config import load_config
from streams.avro import SingleObjectCodec, load

# plain: Faust's defaults (only the session timeout lowered, so the group join
# does not dominate), one event per iteration.
PLAIN = dict(broker_session_timeout=6.0, broker_heartbeat_interval=0.5, web_enabled=False,
             consumer_auto_offset_reset="earliest", store="memory://")


def build(variant: str, bootstrap: str, topic_name: str, n: int, result_file: str) -> faust.App:
    if variant.startswith("plain"):
        settings = dict(PLAIN, broker=f"kafka://{bootstrap}")
    else:
        settings = faust_settings(load_config(), bootstrap)
    app = faust.App(f"bench-{variant}-{int(time.time() * 1000)}", **settings)
    codec = SingleObjectCodec(load("events/prep_completed"))
    topic = app.topic(topic_name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")
    latest: dict = {}
    state = {"n": 0, "t0": None}

    def done() -> None:
        elapsed = time.perf_counter() - state["t0"]
        with open(result_file, "w") as fh:
            json.dump({"variant": variant, "events": state["n"], "seconds": elapsed}, fh)
        # A bench process has nothing to clean up; a graceful Faust stop takes seconds.
        os._exit(0)

    def handle(value: bytes) -> None:
        if state["t0"] is None:
            state["t0"] = time.perf_counter()
        rec = codec.decode(value)
        latest[rec["restaurant_id"]] = rec["prep_time_s"]
        state["n"] += 1

    if variant.endswith("batch"):
        @app.agent(topic)
        async def agent(stream):
            async for values in stream.take(2000, within=0.05):
                for v in values:
                    handle(v)
                if state["n"] >= n:
                    done()
    else:
        @app.agent(topic)
        async def agent(stream):
            async for value in stream:
                handle(value)
                if state["n"] >= n:
                    done()
    return app


def main() -> None:
    variant, bootstrap, topic_name, n, result_file = sys.argv[1:6]
    app = build(variant, bootstrap, topic_name, int(n), result_file)
    if variant.startswith("plain"):
        worker = faust.Worker(app, loglevel="error", quiet=True)
    else:
        worker = quiet_worker(app, "error")
    try:
        worker.execute_from_commandline()
    except SystemExit:
        pass


if __name__ == "__main__":
    main()
