"""The live phase: traffic in event-time slices, HTTP predictions, then outcomes."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp

from fresco.demo.simulate import SimData
from fresco.errors import FrescoError
from fresco.metrics import RegressionState
from fresco.procs import metric_values, scrape
from streams.kafka import EventProducer
from streams.topics import DELIVERIES, ORDERS, PREP_COMPLETED


@dataclass
class LiveResult:
    count: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    pairs: list[tuple[float, float]] = field(default_factory=list)  # (truth, prediction)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99_ms(self) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def _in(events, lo, hi):
    return [e for e in events if lo <= e["event_time"] < hi]


async def run_live(demo, live: SimData) -> LiveResult:
    """Per slice: publish what happened, let the agent catch up, score the next orders."""
    s, c = demo.settings, demo.config
    producer = EventProducer(demo.bootstrap, partitioner="murmur2_random")
    truth = {d["order_id"]: d["delivery_time_s"] for d in live.deliveries}
    start = s.sim.start + timedelta(hours=s.live_start_hour)
    step = timedelta(minutes=s.slice_minutes)
    result = LiveResult()
    url = f"http://127.0.0.1:{c.serving_port}/predict"
    slices = int(timedelta(hours=s.live_hours) / step)
    async with aiohttp.ClientSession() as http:
        for i in range(slices):
            lo, hi = start + i * step, start + (i + 1) * step
            for order in _in(live.orders, lo, hi):
                body = {"order_id": order["order_id"], "restaurant_id": order["restaurant_id"],
                        "distance_km": order["distance_km"], "event_time": order["event_time"].isoformat()}
                t = time.perf_counter()
                async with http.post(url, json=body) as resp:
                    payload = await resp.json()
                    if resp.status != 200:
                        raise FrescoError(f"serving answered {resp.status}: {payload}")
                result.latencies_ms.append((time.perf_counter() - t) * 1000)
                result.pairs.append((truth[order["order_id"]], payload["prediction"]))
                result.count += 1
                producer.send(ORDERS, order)
            for spec, events in ((PREP_COMPLETED, live.preps), (DELIVERIES, live.deliveries)):
                for event in _in(events, lo, hi):
                    if event["order_id"] in truth:
                        producer.send(spec, event)
                        demo.prep_events_sent += spec is PREP_COMPLETED
            producer.flush()
            # Orders of the next slice must see this slice's prep times online.
            demo.wait_features()
            if (i + 1) % 6 == 0:
                demo.progress.note(f"live: {result.count:,} predictions through {hi:%H:%M} event time")
    # Outcomes of the last orders arrive after the live window closes.
    late = [d for d in live.deliveries if d["event_time"] >= start + slices * step]
    for event in late:
        producer.send(DELIVERIES, event)
    producer.flush()
    return result


def live_metrics(metrics_url: str, model_uuid: str, expected: int, timeout: float = 60.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        text = scrape(metrics_url)
        n = [v for labels, v in metric_values(text, "fresco_live_pairs") if labels.get("model_uuid") == model_uuid]
        if n and n[0] >= expected:
            out = {"n": n[0]}
            for labels, value in metric_values(text, "fresco_live_metric"):
                if labels.get("model_uuid") == model_uuid:
                    out[labels["metric"]] = value
            return out
        if time.monotonic() > deadline:
            raise FrescoError(f"monitor joined {n[0] if n else 0} of {expected} predictions in {timeout:.0f}s")
        time.sleep(0.3)


def local_metrics(pairs: list[tuple[float, float]]) -> dict[str, float]:
    state = RegressionState()
    for y, p in pairs:
        state.update(y, p)
    return state.summary()
