"""Starting, querying and stopping the benchmark servers as subprocesses.

Shared by run_echo_comparison.py and idle_memory.py. Every server speaks the same small
protocol: it prints "listening on HOST:PORT" once bound, answers "stats" on stdin with one
"stats key=value ..." line, and stops when its stdin closes. Every wait here is bounded, and
stop() escalates to SIGTERM and then SIGKILL, so a hung server cannot outlive a benchmark.
"""

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

# name -> how to start it, given the build directory
VARIANTS = {
    "hooks-on": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_echo_server")],
    # A diagnosis, not the product: hooks on, but each connection reads its kernel queue
    # lengths (two ioctls) at most every 100 ms instead of every 1 ms, which separates the
    # cost of the ring hooks from the cost of those system calls.
    "hooks-on-sample-100ms": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_echo_server"),
                                                "--kernel-sample-interval-us", "100000"],
    "hooks-off": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_echo_server_nohooks")],
    "asyncio": lambda build_dir: [sys.executable, str(BENCH_DIR / "asyncio_echo_server.py")],
    # The same asyncio server under Loopscope's probe (core/asyncio_probe), its stream read by a
    # child that discards it: what tracing a learner's own server costs that server.
    "asyncio-probed": lambda build_dir: [sys.executable, str(BENCH_DIR / "run_under_probe.py"),
                                         str(BENCH_DIR / "asyncio_echo_server.py")],
    # The other half of the seeds' table (core/threads): a thread per connection, and a pool of
    # 50 threads; hooks on, as the loop's "hooks-on".
    "threads": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_threaded_echo_server"), "--model", "threads"],
    "pool": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_threaded_echo_server"), "--model", "pool",
                               "--pool-threads", "50"],
    # The reference: plain level-triggered epoll on one thread, no Asio, no hooks.
    "raw-epoll": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_raw_epoll_server")],
    # A diagnosis: the reference plus the one EPOLL_CTL_MOD per wait that Asio's reactor makes.
    "raw-epoll-rearm": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_raw_epoll_server"),
                                          "--rearm-per-wait"],
}

# Servers that record a trace (their "stats" line counts drained and dropped events).
TRACING_VARIANTS = ("hooks-on", "hooks-on-sample-100ms", "asyncio-probed")
# Servers whose loop runs on a thread of its own while the main thread reads stdin (and, in
# the tracing ones, consumes the trace): their threads are pinned apart.
LOOP_THREAD_VARIANTS = ("hooks-on", "hooks-on-sample-100ms", "hooks-off", "raw-epoll", "raw-epoll-rearm")


class BenchServer:
    def __init__(self, name: str, command: list[str], stderr_path: Path):
        self.name = name
        self._stderr = open(stderr_path, "wb")
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._stderr, bufsize=0)
        self._pending = b""
        try:
            for _ in range(20):  # a wrapper (a profiler) may print first; bounded
                line = self._read_line(timeout_s=15)
                if line.startswith("listening on "):
                    break
            else:
                raise RuntimeError(f"{name}: no 'listening on HOST:PORT' line")
            self.host, port = line[len("listening on "):].rsplit(":", 1)
            self.port = int(port)
            # The server's own pid, which is not Popen's when a wrapper started it.
            self.pid = self.stats().get("pid", self.process.pid)
        except BaseException:
            self.stop()  # a server that never came up must not outlive the benchmark either
            raise

    def _read_line(self, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        stdout = self.process.stdout
        while b"\n" not in self._pending:
            left_s = deadline - time.monotonic()
            if left_s <= 0:
                raise TimeoutError(f"{self.name}: no output within {timeout_s} s")
            readable, _, _ = select.select([stdout], [], [], left_s)
            if not readable:
                continue
            chunk = os.read(stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"{self.name}: exited (status {self.process.poll()})")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode().strip()

    def stats(self) -> dict[str, int]:
        """The server's counters now, as ints ('stats a=1 b=2' -> {'a': 1, 'b': 2})."""
        self.process.stdin.write(b"stats\n")
        for _ in range(100):  # skip anything else it printed; bounded
            line = self._read_line(timeout_s=10)
            if line.startswith("stats "):
                return {key: int(value) for key, value in
                        (field.split("=", 1) for field in line.split()[1:])}
        raise RuntimeError(f"{self.name}: no stats line")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.close()  # the polite way: EOF on stdin
            except OSError:
                pass
            for signal_step in (None, self.process.terminate, self.process.kill):
                if signal_step is not None:
                    signal_step()
                try:
                    self.process.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._stderr.close()


def pinned(command: list[str], cpu: int | None) -> list[str]:
    """The command, confined to one CPU when cpu is given (and taskset is there to do it)."""
    if cpu is None or shutil.which("taskset") is None:
        return command
    return ["taskset", "-c", str(cpu)] + command


def pin_threads(pid: int, main_thread_cpu: int, other_threads_cpu: int) -> None:
    """Confines a running process's main thread to one CPU and each of its other threads to another."""
    for tid in (int(entry) for entry in os.listdir(f"/proc/{pid}/task")):
        os.sched_setaffinity(tid, {main_thread_cpu if tid == pid else other_threads_cpu})


def start_variant(name: str, build_dir: Path, log_dir: Path, extra_args: list[str] | None = None,
                  wrapper: list[str] | None = None) -> BenchServer:
    """wrapper goes in front of the command, e.g. ["heaptrack", "-o", "/tmp/census"]."""
    command = (wrapper or []) + VARIANTS[name](build_dir) + (extra_args or [])
    return BenchServer(name, command, log_dir / f"{name}.stderr.log")


def proc_status_kib(pid: int, field: str) -> int:
    """A 'kB' field of /proc/<pid>/status, e.g. VmRSS."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def open_fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_for(condition, timeout_s: float, what: str) -> None:
    """Polls condition() every 50 ms; TimeoutError naming `what` after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)


def settled_rss_kib(pid: int, timeout_s: float = 10.0) -> int:
    """VmRSS once two readings 300 ms apart agree within 16 KiB (the server is done growing)."""
    deadline = time.monotonic() + timeout_s
    previous = proc_status_kib(pid, "VmRSS")
    while True:
        time.sleep(0.3)
        current = proc_status_kib(pid, "VmRSS")
        if abs(current - previous) <= 16 or time.monotonic() > deadline:
            return current
        previous = current
