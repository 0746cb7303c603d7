#!/usr/bin/env python3
"""Resident memory per idle connection: 10,000 connections parked in readline().

For each server variant, in rotating order for a few rounds: start a fresh server, read its
VmRSS, open N loopback connections that never send a byte (so every handler sits in
readline), wait until the server holds all N sockets and its RSS has settled, read VmRSS
again, and report (after - before) / N. Then close everything and read VmRSS once more, to
show how much of it the server keeps.

The clients are plain blocking sockets in this process (it raises its own descriptor limit);
they connect in batches and wait for the server to accept each batch, so no accept queue
overflows and no SYN waits a second for its retry.

  bench/idle_memory.py --build-dir build-bench [--connections 10000] [--rounds 3]

Where the bytes go (a diagnosis; RSS is meaningless under the profiler, the peak is not):
  bench/idle_memory.py --build-dir build-bench --variants hooks-on --rounds 1 \
      --connections 2000 --wrap "heaptrack -o /tmp/idle-census"
  heaptrack_print -f /tmp/idle-census.zst --print-peaks 1 --print-allocators 0 \
      --print-temporary 0 --print-leaks 0 --peak-limit 40 --sub-peak-limit 0
"""

import argparse
import resource
import shlex
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_servers import (VARIANTS, open_fd_count, proc_status_kib, settled_rss_kib, start_variant,  # noqa: E402
                           wait_for)

BATCH_CONNECTIONS = 500


def raise_fd_limit_to_hard() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def measure(variant: str, build_dir: Path, log_dir: Path, connections: int, wrapper: list[str]) -> dict:
    server = start_variant(variant, build_dir, log_dir, ["--max-connections", str(connections + 100)]
                           if variant != "asyncio" else [], wrapper)
    clients = []
    try:
        time.sleep(0.5)  # past start-up allocations and the first drain ticks
        rss_before_kib = settled_rss_kib(server.pid)
        fds_before = open_fd_count(server.pid)
        heap_before = server.stats().get("heap_in_use_bytes")
        while len(clients) < connections:
            for _ in range(min(BATCH_CONNECTIONS, connections - len(clients))):
                clients.append(socket.create_connection((server.host, server.port), timeout=10))
            expected_fds = fds_before + len(clients)
            wait_for(lambda: open_fd_count(server.pid) >= expected_fds, 30,
                     f"{variant} to accept {len(clients)} connections")
        if variant != "asyncio":
            wait_for(lambda: server.stats()["open_connections"] >= connections, 30,
                     f"{variant} to admit {connections} connections")
        rss_parked_kib = settled_rss_kib(server.pid)
        parked_stats = server.stats()
        open_connections = parked_stats.get("open_connections")
        heap_parked = parked_stats.get("heap_in_use_bytes")
        for client in clients:
            client.close()
        clients.clear()
        wait_for(lambda: open_fd_count(server.pid) <= fds_before + 5, 60, f"{variant} to close its connections")
        rss_after_close_kib = settled_rss_kib(server.pid)
    finally:
        for client in clients:
            client.close()
        server.stop()
    return {
        "variant": variant,
        "connections": connections,
        "open_connections_reported": open_connections,
        "rss_before_kib": rss_before_kib,
        "rss_parked_kib": rss_parked_kib,
        "rss_after_close_kib": rss_after_close_kib,
        "bytes_per_connection": (rss_parked_kib - rss_before_kib) * 1024 / connections,
        # Live heap (mallinfo2) per connection: what the objects themselves take, without the
        # allocator's rounding and free space. The C++ servers report it; asyncio does not.
        "heap_bytes_per_connection": ((heap_parked - heap_before) / connections
                                      if heap_parked is not None and heap_before is not None else None),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default="hooks-on,hooks-off,asyncio",
                        help="comma-separated, from " + ",".join(VARIANTS))
    parser.add_argument("--wrap", default="", help="command to start each server under (a profiler)")
    arguments = parser.parse_args()
    build_dir = arguments.build_dir.resolve()
    variants = arguments.variants.split(",")
    fd_limit = raise_fd_limit_to_hard()
    if fd_limit < arguments.connections + 64:
        print(f"descriptor limit {fd_limit} is too low for {arguments.connections} connections", file=sys.stderr)
        return 1
    log_dir = Path(tempfile.mkdtemp(prefix="loopscope-bench-memory-"))

    results = {variant: [] for variant in variants}
    for round_index in range(arguments.rounds):
        order = variants[round_index % len(variants):] + variants[:round_index % len(variants)]
        for variant in order:
            result = measure(variant, build_dir, log_dir, arguments.connections, shlex.split(arguments.wrap))
            results[variant].append(result)
            print(f"round {round_index + 1}/{arguments.rounds} {variant:<9} RSS {result['rss_before_kib']:>7} KiB "
                  f"-> {result['rss_parked_kib']:>7} KiB with {arguments.connections} parked "
                  f"-> {result['rss_after_close_kib']:>7} KiB after close: "
                  f"{result['bytes_per_connection']:,.0f} bytes/connection"
                  + (f" (live heap {result['heap_bytes_per_connection']:,.0f})"
                     if result["heap_bytes_per_connection"] is not None else ""), flush=True)

    print(f"\n| server | RSS before (KiB) | RSS with {arguments.connections:,} parked (KiB) | RSS after close (KiB) | "
          "bytes per idle connection (RSS) | of which live heap | target ≤ 2048 |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for variant in variants:
        runs = results[variant]
        per_connection = statistics.median(run["bytes_per_connection"] for run in runs)
        verdict = ("met" if per_connection <= 2048 else "MISSED") if variant == "hooks-on" else "(comparison)"
        heap_values = [run["heap_bytes_per_connection"] for run in runs if run["heap_bytes_per_connection"] is not None]
        heap = f"{statistics.median(heap_values):,.0f}" if heap_values else "-"
        print(f"| {variant} | {statistics.median(run['rss_before_kib'] for run in runs):,.0f} | "
              f"{statistics.median(run['rss_parked_kib'] for run in runs):,.0f} | "
              f"{statistics.median(run['rss_after_close_kib'] for run in runs):,.0f} | "
              f"{per_connection:,.0f} | {heap} | {verdict} |")
    print(f"\nmedians of {arguments.rounds} rounds; server logs in {log_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
