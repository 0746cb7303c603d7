#!/usr/bin/env python3
"""Echo throughput and server CPU per round trip: hooks on vs hooks compiled out vs raw epoll vs asyncio.

Starts the servers once (see bench_servers.VARIANTS; hooks-on-sample-100ms and raw-epoll-rearm
are diagnoses),
then for each round and each connection count runs the load generator against each server
in turn, rotating the order every round, so slow drifts in a shared machine's load fall on
all of them alike. Reports medians over the rounds, and the
hooks-on / hooks-off ratios as the median of the per-round ratios (each taken from two runs
seconds apart). Prints a Markdown table; --json keeps every raw sample.

By default each server's loop runs alone on the last CPU, and the load generator shares the
first with the C++ servers' main thread, which is their trace consumer: the design puts the
consumer on another thread than the loop, and this keeps it off the loop's core. (asyncio's
loop is its main thread, so all of asyncio goes on the last CPU.) Left to the scheduler, one
connection's ping-pong lands sometimes on one core (a few µs per round trip) and sometimes
across two (tens of µs, waking an idle core), and a ratio of two runs in different regimes
says nothing about the hooks. --no-pin leaves placement to the scheduler.

  bench/run_echo_comparison.py --build-dir build-bench [--rounds 5] [--duration-ms 2000]
      [--handler upper --line-bytes 64]   # the load issue 11 states its targets for
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_servers import (LOOP_THREAD_VARIANTS, TRACING_VARIANTS, VARIANTS, pin_threads, pinned,  # noqa: E402
                           start_variant)

# The ratios reported, each the median over the rounds of the ratio inside one round:
# (what, key, numerator, denominator, target or None, True when the ratio must be at least the
# target, False when at most). The targets are issue 11's.
RATIOS = [
    ("throughput hooks-on / raw-epoll", "round_trips_per_s", "hooks-on", "raw-epoll", 0.95, True),
    ("throughput hooks-off / raw-epoll", "round_trips_per_s", "hooks-off", "raw-epoll", None, True),
    ("throughput raw-epoll-rearm / raw-epoll", "round_trips_per_s", "raw-epoll-rearm", "raw-epoll", None, True),
    ("throughput hooks-on / hooks-off", "round_trips_per_s", "hooks-on", "hooks-off", 0.95, True),
    ("server CPU per round trip hooks-on / hooks-off", "server_cpu_us_per_round_trip", "hooks-on", "hooks-off", 1.05,
     False),
    ("loop-thread CPU per round trip hooks-on / hooks-off", "loop_cpu_us_per_round_trip", "hooks-on", "hooks-off",
     None, False),
    ("server CPU per round trip hooks-off / raw-epoll", "server_cpu_us_per_round_trip", "hooks-off", "raw-epoll",
     None, False),
    ("server CPU per round trip raw-epoll-rearm / raw-epoll", "server_cpu_us_per_round_trip", "raw-epoll-rearm",
     "raw-epoll", None, False),
    ("throughput hooks-on / asyncio", "round_trips_per_s", "hooks-on", "asyncio", 2.3, True),
    # Issue 12: tracing a CPython asyncio server with the probe keeps most of its throughput.
    ("throughput asyncio-probed / asyncio", "round_trips_per_s", "asyncio-probed", "asyncio", 0.6, True),
    ("server CPU per round trip asyncio-probed / asyncio", "server_cpu_us_per_round_trip", "asyncio-probed", "asyncio",
     None, False),
    ("throughput hooks-on-sample-100ms / hooks-off", "round_trips_per_s", "hooks-on-sample-100ms", "hooks-off", None,
     True),
]


def run_load(build_dir: Path, server, connections: int, warmup_ms: int, duration_ms: int,
             cpu: int | None = None, handler: str = "echo", line_bytes: int = 22) -> dict:
    command = pinned([str(build_dir / "bench" / "loopscope_bench_load_generator"), "--host", server.host,
                      "--port", str(server.port), "--connections", str(connections), "--server-pid",
                      str(server.pid), "--warmup-ms", str(warmup_ms), "--duration-ms", str(duration_ms),
                      "--reply", handler, "--line-bytes", str(line_bytes)], cpu)
    # Bounded: set-up of 1,000 connections takes well under a second; 60 s means something hung.
    finished = subprocess.run(command, capture_output=True, text=True,
                              timeout=(warmup_ms + duration_ms) / 1000 + 60)
    if finished.returncode != 0:
        raise RuntimeError(f"load generator against {server.name} at {connections} connections failed: "
                           f"{finished.stderr.strip()}")
    return json.loads(finished.stdout)


def measure(build_dir: Path, server, connections: int, warmup_ms: int, duration_ms: int,
            load_cpu: int | None, handler: str, line_bytes: int) -> dict:
    before = server.stats() if server.name in TRACING_VARIANTS else None
    sample = run_load(build_dir, server, connections, warmup_ms, duration_ms, load_cpu, handler, line_bytes)
    if before is not None:
        after = server.stats()
        events = after["drained_events"] - before["drained_events"]
        sample["events_per_round_trip"] = events / max(1, sample["round_trips_total"])
        sample["dropped_events"] = after["dropped_events"] - before["dropped_events"]
    if server.name in LOOP_THREAD_VARIANTS:
        # The main thread reads stdin (and in the tracing servers consumes the trace);
        # everything else is the loop.
        if "server_main_thread_cpu_us_per_round_trip" in sample:
            sample["consumer_cpu_us_per_round_trip"] = sample["server_main_thread_cpu_us_per_round_trip"]
            sample["loop_cpu_us_per_round_trip"] = (sample["server_cpu_us_per_round_trip"]
                                                    - sample["server_main_thread_cpu_us_per_round_trip"])
    return sample


def median_of(samples: list[dict], key: str) -> float:
    values = [sample[key] for sample in samples if key in sample]
    return statistics.median(values) if values else float("nan")


def paired_ratio(samples: dict, connections: int, key: str, numerator: str, denominator: str) -> float:
    ratios = [top[key] / bottom[key] for top, bottom in
              zip(samples[(numerator, connections)], samples[(denominator, connections)]) if bottom[key] > 0]
    return statistics.median(ratios) if ratios else float("nan")


def print_report(samples: dict, connection_counts: list[int], variants: list[str]) -> None:
    print("\n| connections | server | round trips/s | server CPU µs/round trip | of which loop thread | "
          "of which consumer | server CPU (cores) | load gen CPU (cores) | p50 latency µs | p99 latency µs | "
          "events/round trip | dropped |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for connections in connection_counts:
        for variant in variants:
            runs = samples[(variant, connections)]
            records = variant in TRACING_VARIANTS
            events = f"{median_of(runs, 'events_per_round_trip'):.1f}" if records else "-"
            dropped = f"{sum(run.get('dropped_events', 0) for run in runs)}" if records else "-"
            split = (f"{median_of(runs, 'loop_cpu_us_per_round_trip'):.2f} | "
                     f"{median_of(runs, 'consumer_cpu_us_per_round_trip'):.2f}"
                     if variant in LOOP_THREAD_VARIANTS else "- | -")
            print(f"| {connections} | {variant} | {median_of(runs, 'round_trips_per_s'):,.0f} | "
                  f"{median_of(runs, 'server_cpu_us_per_round_trip'):.2f} | {split} | "
                  f"{median_of(runs, 'server_cpu_per_s'):.2f} | {median_of(runs, 'client_cpu_per_s'):.2f} | "
                  f"{median_of(runs, 'latency_p50_us'):.1f} | {median_of(runs, 'latency_p99_us'):.1f} | "
                  f"{events} | {dropped} |")
    shown = [ratio for ratio in RATIOS if ratio[2] in variants and ratio[3] in variants]
    if not shown:
        return
    print("\n| ratio (median of per-round ratios) | target | " +
          " | ".join(f"{connections} conns" for connections in connection_counts) + " |")
    print("|---|---:|" + "---:|" * len(connection_counts))
    for label, key, numerator, denominator, target, at_least in shown:
        cells = []
        for connections in connection_counts:
            value = paired_ratio(samples, connections, key, numerator, denominator)
            verdict = ""
            if target is not None and value == value:  # NaN: nothing to judge
                verdict = " met" if (value >= target if at_least else value <= target) else " MISSED"
            cells.append(f"{value:.3f}{verdict}")
        target_text = "-" if target is None else f"{'≥' if at_least else '≤'} {target}"
        print(f"| {label} | {target_text} | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", default="1,100,1000", help="comma-separated connection counts")
    parser.add_argument("--warmup-ms", type=int, default=500)
    parser.add_argument("--duration-ms", type=int, default=2000)
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated, from " + ",".join(VARIANTS))
    parser.add_argument("--json", type=Path, help="write every raw sample here")
    parser.add_argument("--handler", choices=("echo", "upper"), default="echo",
                        help="what the servers send back (upper: each line upper-cased)")
    parser.add_argument("--line-bytes", type=int, default=22, help="request line length, newline included (>= 22)")
    parser.add_argument("--no-pin", action="store_true", help="let the scheduler place servers and load generator")
    arguments = parser.parse_args()
    build_dir = arguments.build_dir.resolve()
    connection_counts = [int(count) for count in arguments.connections.split(",")]
    variants = arguments.variants.split(",")
    log_dir = Path(tempfile.mkdtemp(prefix="loopscope-bench-"))
    cpu_count = len(os.sched_getaffinity(0))
    pin = not arguments.no_pin and cpu_count >= 2
    server_cpu, load_cpu = (max(os.sched_getaffinity(0)), min(os.sched_getaffinity(0))) if pin else (None, None)

    servers = {}
    samples = {(variant, connections): [] for variant in variants for connections in connection_counts}
    started = time.monotonic()
    try:
        for variant in variants:
            servers[variant] = start_variant(variant, build_dir, log_dir, ["--handler", arguments.handler])
            if pin:
                consumer_cpu = load_cpu if variant in LOOP_THREAD_VARIANTS else server_cpu
                pin_threads(servers[variant].pid, consumer_cpu, server_cpu)
        for round_index in range(arguments.rounds):
            # Rotate the order each round so no variant always runs first (or last).
            order = variants[round_index % len(variants):] + variants[:round_index % len(variants)]
            for connections in connection_counts:
                for variant in order:
                    sample = measure(build_dir, servers[variant], connections, arguments.warmup_ms,
                                     arguments.duration_ms, load_cpu, arguments.handler, arguments.line_bytes)
                    sample["round"] = round_index
                    samples[(variant, connections)].append(sample)
                    print(f"round {round_index + 1}/{arguments.rounds} {connections:>5} conns {variant:<15} "
                          f"{sample['round_trips_per_s']:>10,.0f} rt/s "
                          f"{sample.get('server_cpu_us_per_round_trip', float('nan')):6.2f} µs CPU/rt",
                          flush=True)
    finally:
        for server in servers.values():
            server.stop()

    placement = (f"server loops on CPU {server_cpu}, load generator and trace consumers on CPU {load_cpu}" if pin
                 else "placement left to the scheduler")
    print(f"\n{arguments.handler} handler, {arguments.line_bytes}-byte lines, "
          f"{arguments.rounds} rounds, {arguments.warmup_ms} ms warm-up + {arguments.duration_ms} ms measured "
          f"per run, {placement}, {time.monotonic() - started:.0f} s in all; server logs in {log_dir}")
    print_report(samples, connection_counts, variants)
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(
            {f"{variant}@{connections}": runs for (variant, connections), runs in samples.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
