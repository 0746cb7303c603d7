#!/usr/bin/env python3
"""Threads against the event loop: what an idle connection costs, and context switches per round trip.

For each server (the loop with hooks on, a thread per connection, a pool of 50 threads) and
each connection count: start a fresh server; read its resident (VmRSS) and reserved (VmSize)
memory and its thread count from /proc; open N loopback connections that never send a byte;
once the server holds them all and its memory has settled, read again: the growth divided by N
is what one parked connection costs. Then, with the N connections still open, run the load
generator over 100 more connections (one request in flight each, 64-byte lines echoed) and
divide the server's context switches (getrusage, all its threads) by the round trips.

The pool serves only 50 connections at a time, so its idle connections wait in its queue, and
its round trips are measured over 50 connections once the idle ones have gone.

  bench/threads_vs_loop.py --build-dir build [--connections 1000,10000] [--rounds 3]
"""

import argparse
import resource
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_servers import open_fd_count, proc_status_kib, settled_rss_kib, start_variant, wait_for  # noqa: E402
from run_echo_comparison import run_load  # noqa: E402

BATCH_CONNECTIONS = 500
VARIANTS = ("hooks-on", "threads", "pool")
LOAD_CONNECTIONS = {"hooks-on": 100, "threads": 100, "pool": 50}


def settled(pid: int) -> dict:
    """Resident, reserved and threads once the server's memory has settled."""
    rss_kib = settled_rss_kib(pid)
    return {"rss_kib": rss_kib, "vm_kib": proc_status_kib(pid, "VmSize"), "threads": thread_count(pid)}


def thread_count(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def measure(variant: str, build_dir: Path, log_dir: Path, connections: int) -> dict:
    server = start_variant(variant, build_dir, log_dir, ["--max-connections", str(connections + 500)])
    clients = []
    try:
        time.sleep(0.5)
        before = settled(server.pid)
        fds_before = open_fd_count(server.pid)
        while len(clients) < connections:
            for _ in range(min(BATCH_CONNECTIONS, connections - len(clients))):
                clients.append(socket.create_connection((server.host, server.port), timeout=10))
            expected = fds_before + len(clients)
            wait_for(lambda: open_fd_count(server.pid) >= expected, 60, f"{variant} to accept {len(clients)}")
        wait_for(lambda: server.stats()["open_connections"] >= connections, 60, f"{variant} to admit all")
        parked = settled(server.pid)
        refused = server.stats().get("threads_refused", 0)
        # Context switches per round trip, with the idle connections still parked; the pool's
        # workers are all taken by idle connections, so for it they leave first.
        if variant == "pool":
            for client in clients:
                client.close()
            clients.clear()
            wait_for(lambda: server.stats()["open_connections"] == 0, 60, "the pool to close its idle connections")
        stats_before = server.stats()
        load = run_load(build_dir, server, LOAD_CONNECTIONS[variant], 500, 3000)
        stats_after = server.stats()
        round_trips = max(1, load["round_trips_total"])
        voluntary = (stats_after["voluntary_switches"] - stats_before["voluntary_switches"]) / round_trips
        involuntary = (stats_after["involuntary_switches"] - stats_before["involuntary_switches"]) / round_trips
    finally:
        for client in clients:
            client.close()
        server.stop()
    return {
        "resident_per_connection": (parked["rss_kib"] - before["rss_kib"]) * 1024 / connections,
        "reserved_per_connection": (parked["vm_kib"] - before["vm_kib"]) * 1024 / connections,
        "threads_parked": parked["threads"],
        "threads_refused": refused,
        "voluntary_per_round_trip": voluntary,
        "involuntary_per_round_trip": involuntary,
        "round_trips_per_s": load["round_trips_per_s"],
        "server_cpu_us_per_round_trip": load.get("server_cpu_us_per_round_trip", float("nan")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--connections", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    arguments = parser.parse_args()
    counts = [int(count) for count in arguments.connections.split(",")]
    variants = arguments.variants.split(",")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < max(counts) + 200:
        print(f"descriptor limit {hard} is too low for {max(counts)} connections", file=sys.stderr)
        return 1
    log_dir = Path(tempfile.mkdtemp(prefix="loopscope-bench-threads-"))
    results = {(variant, count): [] for variant in variants for count in counts}
    for round_index in range(arguments.rounds):
        order = variants[round_index % len(variants):] + variants[:round_index % len(variants)]
        for count in counts:
            for variant in order:
                result = measure(variant, build_dir=arguments.build_dir.resolve(), log_dir=log_dir, connections=count)
                results[(variant, count)].append(result)
                print(f"round {round_index + 1}/{arguments.rounds} {variant:<8} {count:>6} idle: "
                      f"{result['resident_per_connection']:,.0f} B resident, "
                      f"{result['reserved_per_connection']:,.0f} B reserved per connection, "
                      f"{result['threads_parked']} threads; "
                      f"{result['voluntary_per_round_trip']:.2f} voluntary + "
                      f"{result['involuntary_per_round_trip']:.2f} involuntary switches per round trip "
                      f"({result['round_trips_per_s']:,.0f} rt/s)", flush=True)

    print("\n| server | idle connections | resident bytes per idle connection | reserved bytes per idle connection "
          "| threads | context switches per round trip (voluntary + involuntary) | round trips/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    names = {"hooks-on": "event loop", "threads": "thread per connection", "pool": "pool of 50 threads"}
    for count in counts:
        for variant in variants:
            runs = results[(variant, count)]
            median = lambda key: statistics.median(run[key] for run in runs)  # noqa: E731
            print(f"| {names.get(variant, variant)} | {count:,} | {median('resident_per_connection'):,.0f} | "
                  f"{median('reserved_per_connection'):,.0f} | {median('threads_parked'):,.0f} | "
                  f"{median('voluntary_per_round_trip'):.2f} + {median('involuntary_per_round_trip'):.2f} | "
                  f"{median('round_trips_per_s'):,.0f} |")
    print(f"\nmedians of {arguments.rounds} rounds; server logs in {log_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
