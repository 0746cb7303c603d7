#!/usr/bin/env python3
"""Runs a Python program under Loopscope's asyncio probe for the benchmarks: the asyncio-probed
variant of run_echo_comparison.py.

    python3 bench/run_under_probe.py server.py [args...]

The program becomes this process (exec), with stdin and stdout untouched, so the benchmark
drives it exactly as it drives the unprobed server. A forked child reads the wire stream and
throws it away, as fast as the pipe delivers it: the server pays for recording, encoding and
writing the stream, and nothing for the app's decoding, which runs in another process anyway.
"""

import os
import sys
from pathlib import Path

PROBE_PATH = Path(__file__).resolve().parent.parent / "core" / "asyncio_probe"


def main():
    if len(sys.argv) < 2:
        print("usage: run_under_probe.py server.py [args...]", file=sys.stderr)
        return 2
    read_fd, write_fd = os.pipe()
    if os.fork() == 0:  # the stream's reader
        os.close(write_fd)
        while os.read(read_fd, 1 << 16):
            pass
        os._exit(0)
    os.close(read_fd)
    os.set_inheritable(write_fd, True)
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROBE_PATH), environment.get("PYTHONPATH")]))
    os.execve(sys.executable, [sys.executable, "-m", "loopscope_probe", "--wire-fd", str(write_fd)] + sys.argv[1:],
              environment)


if __name__ == "__main__":
    sys.exit(main())
