"""`make bench`: every table in one run, each as ratios against a floor measured alongside."""

from __future__ import annotations

import argparse

from bench import agent_throughput, dsl_eval, online_read, pit_vs_feast, serving_latency
from bench.common import bench_stack


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="events for the agent throughput table")
    parser.add_argument("--requests", type=int, default=3000, help="requests for the latency table")
    parser.add_argument("--only", choices=["serving", "online", "agent", "pit", "dsl"], default=None)
    parser.add_argument("--pit-sizes", default="100000,1000000",
                        help="label-row counts for the point-in-time table, comma-separated")
    args = parser.parse_args()
    with bench_stack() as config:
        if args.only in (None, "serving"):
            print(serving_latency.run(config, args.requests), flush=True)
        if args.only in (None, "online"):
            print(online_read.run(config), flush=True)
        if args.only in (None, "agent"):
            print(agent_throughput.run(config, args.events), flush=True)
        if args.only in (None, "dsl"):
            from batch.spark import spark_session

            print(dsl_eval.run(spark_session(config, "fresco-bench-dsl")), flush=True)
        if args.only in (None, "pit"):
            sizes = tuple(int(x) for x in args.pit_sizes.split(","))
            print(pit_vs_feast.run(config, sizes), flush=True)


if __name__ == "__main__":
    main()
