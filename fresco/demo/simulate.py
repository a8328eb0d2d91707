"""Seeded food-delivery marketplace: orders, prep completions, deliveries.

True delivery time = prep time + travel time + noise, where prep time depends on
the restaurant's base speed and its busyness, which drifts hour by hour (an AR(1)
walk in log space). Only a recent-window feature can see the busyness; a 7-day
mean sees the base speed. Event time is simulated, not wall time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from fresco.timeutil import UTC

# Relative order rate and kitchen load by hour of day (UTC): lunch and dinner peaks.
_HOURLY_RATE = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.1, 1.6,
                2.0, 1.7, 1.0, 0.8, 0.9, 1.3, 1.9, 2.2, 1.8, 1.2, 0.7, 0.4]
_TRAFFIC = [0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.3, 1.5, 1.2, 1.0, 1.1,
            1.2, 1.1, 1.0, 1.1, 1.3, 1.6, 1.5, 1.2, 1.0, 0.9, 0.9, 0.8]


@dataclass(frozen=True)
class SimConfig:
    restaurants: int = 40
    days: int = 9
    orders_per_restaurant_hour: float = 3.5
    seed: int = 7
    start: datetime = datetime(2026, 11, 2, tzinfo=UTC)
    busyness_sigma: float = 0.25  # innovation of the hourly log-busyness walk
    busyness_phi: float = 0.85  # persistence: last hour's busyness predicts this hour's


@dataclass
class SimData:
    orders: list[dict]
    preps: list[dict]
    deliveries: list[dict]

    @property
    def end(self) -> datetime:
        return max(d["event_time"] for d in self.deliveries)


def simulate(cfg: SimConfig, first_hour: int = 0, hours: int | None = None) -> SimData:
    """Generate events for hours [first_hour, first_hour + hours) of the simulation.

    The walk is replayed from hour 0 so any slice is consistent with the full run.
    """
    rng = random.Random(cfg.seed)
    total_hours = cfg.days * 24
    hours = total_hours - first_hour if hours is None else hours
    base = [rng.uniform(600, 1500) for _ in range(cfg.restaurants)]
    log_busy = [0.0] * cfg.restaurants
    orders, preps, deliveries = [], [], []
    for h in range(first_hour + hours):
        hod = (cfg.start + timedelta(hours=h)).hour
        for r in range(cfg.restaurants):
            log_busy[r] = cfg.busyness_phi * log_busy[r] + rng.gauss(0.0, cfg.busyness_sigma)
        for r in range(cfg.restaurants):
            lam = cfg.orders_per_restaurant_hour * _HOURLY_RATE[hod]
            n = _poisson(rng, lam)
            for k in range(n):
                placed = cfg.start + timedelta(hours=h, milliseconds=rng.randrange(3_600_000))
                distance = rng.uniform(0.5, 8.0)
                load = 0.8 + 0.15 * _HOURLY_RATE[hod]
                prep = base[r] * load * math.exp(log_busy[r]) * rng.lognormvariate(0.0, 0.08)
                travel = 240 + distance * 150 * _TRAFFIC[hod] + rng.gauss(0, 90)
                total = max(prep + travel, 300.0)
                customer = f"c{rng.randrange(10**6)}"
                if h < first_hour:
                    continue
                oid = f"o{h:05d}-{r:03d}-{k:02d}"
                rid = f"r{r:03d}"
                orders.append({"order_id": oid, "restaurant_id": rid, "customer_id": customer,
                               "distance_km": round(distance, 3), "event_time": placed})
                preps.append({"order_id": oid, "restaurant_id": rid, "prep_time_s": round(prep, 1),
                              "event_time": placed + timedelta(milliseconds=int(prep * 1000))})
                deliveries.append({"order_id": oid, "restaurant_id": rid, "delivery_time_s": round(total, 1),
                                   "order_time": placed,
                                   "event_time": placed + timedelta(milliseconds=int(total * 1000))})
    for events in (orders, preps, deliveries):
        events.sort(key=lambda e: e["event_time"])
    return SimData(orders, preps, deliveries)


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: lam is small (a few orders per restaurant-hour).
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
