"""Starting, querying and stopping the benchmark servers as subprocesses.

Shared by run_echo_comparison.py and idle_memory.py. Every server speaks the same small
protocol: it prints "listening on HOST:PORT" once bound, answers "stats" on stdin with one
"stats key=value ..." line, and stops when its stdin closes. Every wait here is bounded, and
stop() escalates to SIGTERM and then SIGKILL, so a hung server cannot outlive a benchmark.
"""

import os
import select
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

# name -> how to start it, given the build directory
VARIANTS = {
    "hooks-on": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_echo_server")],
    "hooks-off": lambda build_dir: [str(build_dir / "bench" / "loopscope_bench_echo_server_nohooks")],
    "asyncio": lambda build_dir: [sys.executable, str(BENCH_DIR / "asyncio_echo_server.py")],
}


class BenchServer:
    def __init__(self, name: str, command: list[str], stderr_path: Path):
        self.name = name
        self._stderr = open(stderr_path, "wb")
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._stderr, bufsize=0)
        self._pending = b""
        line = self._read_line(timeout_s=15)
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"{name}: expected 'listening on HOST:PORT', got {line!r}")
        self.host, port = line[len("listening on "):].rsplit(":", 1)
        self.port = int(port)

    @property
    def pid(self) -> int:
        return self.process.pid

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


def start_variant(name: str, build_dir: Path, log_dir: Path, extra_args: list[str] | None = None) -> BenchServer:
    command = VARIANTS[name](build_dir) + (extra_args or [])
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
