#!/usr/bin/env python3
"""Where the servers' CPU goes: system calls (all, and ioctl, epoll_ctl, epoll_wait, recvfrom,
sendto by name) and context switches per round trip, for each variant (hooks on, compiled out,
the raw epoll reference and its one-re-arm-per-wait diagnosis), counted by `perf stat` on the server process while the load
generator runs. A diagnosis beside run_echo_comparison.py, not a target; needs perf and
permission to read syscall tracepoints (root, or perf_event_paranoid <= 1).

  bench/syscalls_per_round_trip.py --build-dir build-bench [--connections 1,100,1000]
      [--variants hooks-on,hooks-off,raw-epoll,raw-epoll-rearm] [--handler upper --line-bytes 64]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_servers import start_variant  # noqa: E402
from run_echo_comparison import run_load  # noqa: E402

EVENTS = ["context-switches", "raw_syscalls:sys_enter", "syscalls:sys_enter_ioctl",
          "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_ctl", "syscalls:sys_enter_recvfrom", "syscalls:sys_enter_sendto",
          "syscalls:sys_enter_sendmsg"]


def perf_counts(pid: int, seconds: float) -> dict[str, float]:
    finished = subprocess.run(["perf", "stat", "-x", ",", "-e", ",".join(EVENTS), "-p", str(pid), "--",
                               "sleep", str(seconds)], capture_output=True, text=True, timeout=seconds + 30)
    counts = {}
    for line in finished.stderr.splitlines():
        fields = line.split(",")
        if len(fields) >= 3 and fields[2] in EVENTS and fields[0].replace(".", "").isdigit():
            counts[fields[2]] = float(fields[0])
    if not counts:
        raise RuntimeError("perf stat counted nothing:\n" + finished.stderr)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--connections", default="1,100,1000")
    parser.add_argument("--duration-ms", type=int, default=3000)
    parser.add_argument("--variants", default="hooks-on,hooks-off,raw-epoll,raw-epoll-rearm")
    parser.add_argument("--handler", choices=("echo", "upper"), default="echo")
    parser.add_argument("--line-bytes", type=int, default=22)
    arguments = parser.parse_args()
    if shutil.which("perf") is None:
        print("perf is not installed; nothing to count", file=sys.stderr)
        return 1
    build_dir = arguments.build_dir.resolve()
    log_dir = Path(tempfile.mkdtemp(prefix="loopscope-bench-syscalls-"))
    warmup_ms = 500
    # perf counts a window inside the measured one, so its rate and the load's agree.
    perf_s = (arguments.duration_ms - 500) / 1000

    print("| connections | server | round trips/s | syscalls/round trip | recvfrom | sendto | epoll_ctl | "
          "epoll_wait | ioctl | context switches/round trip |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for connections in (int(count) for count in arguments.connections.split(",")):
        for variant in arguments.variants.split(","):
            server = start_variant(variant, build_dir, log_dir, ["--handler", arguments.handler])
            try:
                load = {}
                loader = threading.Thread(target=lambda: load.update(
                    run_load(build_dir, server, connections, warmup_ms, arguments.duration_ms,
                             handler=arguments.handler, line_bytes=arguments.line_bytes)))
                loader.start()
                time.sleep(warmup_ms / 1000 + 0.25 + (1.0 if connections >= 1000 else 0.0))
                counts = perf_counts(server.pid, perf_s)
                loader.join(timeout=arguments.duration_ms / 1000 + 90)
            finally:
                server.stop()
            round_trips = load["round_trips_per_s"] * perf_s
            per_round_trip = [counts.get(event, 0) / round_trips for event in (
                "raw_syscalls:sys_enter", "syscalls:sys_enter_recvfrom", "syscalls:sys_enter_sendto",
                "syscalls:sys_enter_epoll_ctl", "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_ioctl",
                "context-switches")]
            print(f"| {connections} | {variant} | {load['round_trips_per_s']:,.0f} | " +
                  " | ".join(f"{value:.2f}" for value in per_round_trip) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
