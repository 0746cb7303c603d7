"""Test support: runs a program under the probe and decodes its wire stream as it arrives.

The decoder here is a second, independent reading of docs/wire-format.md (the app's is C++),
so a probe that drifts from the documented format fails these tests as well as the app's.
"""

import os
import struct
import subprocess
import sys
import threading
import time

PROBE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "core", "asyncio_probe")
sys.path.insert(0, os.path.abspath(PROBE_DIR))

from loopscope_probe import schema  # noqa: E402

EVENT = struct.Struct("<QQIIBBHI")


class WireStream:
    """Everything decoded so far: events as dicts, sites and labels by id, and the frames."""

    def __init__(self):
        self.header = None
        self.hello = None
        self.sites = {}
        self.labels = {}
        self.events = []
        self.listening = []
        self.dropped = 0
        self.end_status = None
        self.lock = threading.RLock()  # wait_for holds it while a condition reads

    def site_text(self, site_id):
        site = self.sites.get(site_id)
        return f"{os.path.basename(site[0])}:{site[2]}" if site else ""

    def of_kind(self, kind):
        with self.lock:
            return [event for event in self.events if event["kind"] == kind]


def _string(payload, at):
    (length,) = struct.unpack_from("<I", payload, at)
    return payload[at + 4:at + 4 + length].decode("utf-8"), at + 4 + length


def decode_into(stream, data):
    """Decodes whole frames from `data` (bytes); returns how many bytes were used."""
    at = 0
    if stream.header is None:
        if len(data) < 16:
            return 0
        magic, version, record = data[:8], *struct.unpack_from("<II", data, 8)
        assert magic == b"LSWIRE\0\0" and version == 1 and record == 32, (magic, version, record)
        stream.header = (version, record)
        at = 16
    while len(data) - at >= 8:
        frame_type, length = data[at], struct.unpack_from("<I", data, at + 4)[0]
        assert data[at + 1:at + 4] == b"\0\0\0"
        if len(data) - at - 8 < length:
            break
        payload = data[at + 8:at + 8 + length]
        at += 8 + length
        with stream.lock:
            if frame_type == 1:
                (pid,) = struct.unpack_from("<I", payload, 0)
                runtime, offset = _string(payload, 4)
                program, offset = _string(payload, offset)
                stream.hello = (pid, runtime, program)
            elif frame_type == 2:
                (site_id,) = struct.unpack_from("<I", payload, 0)
                file, offset = _string(payload, 4)
                function, offset = _string(payload, offset)
                (line,) = struct.unpack_from("<I", payload, offset)
                assert site_id == len(stream.sites) + 1, "site ids are dense"
                stream.sites[site_id] = (file, function, line)
            elif frame_type == 3:
                (label_id,) = struct.unpack_from("<I", payload, 0)
                text, _ = _string(payload, 4)
                assert label_id == len(stream.labels) + 1, "label ids are dense"
                stream.labels[label_id] = text
            elif frame_type == 4:
                (count,) = struct.unpack_from("<I", payload, 0)
                assert length == 4 + 32 * count
                for index in range(count):
                    time_ns, value, subject, site, kind, detail, aux, zero = EVENT.unpack_from(payload, 4 + 32 * index)
                    assert zero == 0
                    assert site == 0 or site in stream.sites, f"site {site} used before it was defined"
                    stream.events.append(dict(time_ns=time_ns, value=value, subject=subject, site=site, kind=kind,
                                              detail=detail, aux=aux))
            elif frame_type == 5:
                (stream.dropped,) = struct.unpack_from("<Q", payload, 0)
            elif frame_type == 6:
                stream.listening.append(struct.unpack_from("<IH", payload, 0))
            elif frame_type == 7:
                (stream.end_status,) = struct.unpack_from("<i", payload, 0)
            else:
                raise AssertionError(f"unknown frame type {frame_type}")
    return at


def read_line(client, timeout_s=10.0):
    """Bytes from `client` up to a newline (or its close, or timeout_s)."""
    data = b""
    deadline = time.monotonic() + timeout_s
    while not data.endswith(b"\n") and time.monotonic() < deadline:
        chunk = client.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class ProbedRun:
    """A program under the probe; a context manager that always stops it."""

    def __init__(self, script, *probe_options, script_args=()):
        read_fd, write_fd = os.pipe()
        environment = dict(os.environ, PYTHONPATH=os.path.abspath(PROBE_DIR))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "loopscope_probe", "--wire-fd", str(write_fd), "--port", "0", *probe_options,
             script, *script_args],
            pass_fds=(write_fd,), env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(write_fd)
        self.stream = WireStream()
        self.stderr_text = None  # what the program wrote to stderr, once it has ended
        self._read_fd = read_fd
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        pending = b""
        while True:
            chunk = os.read(self._read_fd, 65536)
            if not chunk:
                break
            pending += chunk
            used = decode_into(self.stream, pending)
            pending = pending[used:]
        os.close(self._read_fd)

    def wait_for(self, condition, timeout_s=10.0, what="the condition"):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.stream.lock:
                if condition(self.stream):
                    return
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}; stderr: {self.stderr_so_far()}")

    def port(self):
        self.wait_for(lambda stream: stream.listening, what="the server to listen")
        return self.stream.listening[0][1]

    def stderr_so_far(self):
        if self.stderr_text is not None:
            return self.stderr_text
        if self.process.poll() is None:
            return "(still running)"
        self.stderr_text = self.process.stderr.read().decode()
        return self.stderr_text

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT, as the app does: asyncio.run unwinds
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._reader.join(timeout=5)
        self.stderr_so_far()  # kept: what the program printed is part of what a test checks
        self.process.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *unused):
        self.stop()
