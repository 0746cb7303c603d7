"""The same client against CPython's asyncio and against `loopscope serve`, side by side.

asyncio is the reference: each scenario runs the handler's asyncio twin (assets/asyncio/) under
asyncio.start_server and the C++ handler under `loopscope serve`, with the same line limit, and
what the client sees (the bytes, and whether the stream ended normally or was reset) must be the
same. asyncio_parity_test.cpp pins the same rules inside the C++ tests.
"""

import asyncio
import importlib.util
import os
import pathlib
import socket
import subprocess
import threading
import time
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[3]
BINARY = os.environ.get("LOOPSCOPE_BINARY", str(ROOT / "build" / "viz" / "loopscope"))
LIMIT = 1024
WAIT_S = 10


def load_twin(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "assets" / "asyncio" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handle


class AsyncioServer:
    """The twin under asyncio.start_server on its own loop and thread; stopped by stop()."""

    def __init__(self, handler_name):
        self.handle = load_twin(handler_name)
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self.ready.wait(WAIT_S):
            raise RuntimeError("the asyncio server did not start")

    def _run(self):
        self.loop = asyncio.new_event_loop()
        # asyncio logs a handler's unhandled exception; the test looks at the wire instead.
        self.loop.set_exception_handler(lambda loop, context: None)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self.handle, "127.0.0.1", 0, limit=LIMIT))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())
        self.loop.close()

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT_S)


class LoopscopeServer:
    def __init__(self, handler_name):
        self.process = subprocess.Popen(
            [BINARY, "serve", "--port", "0", "--handler", handler_name, "--line-limit", str(LIMIT)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        first = self.process.stdout.readline()  # "listening on 127.0.0.1:PORT"
        self.port = int(first.strip().rsplit(":", 1)[1])

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(WAIT_S)
        self.process.stdout.close()


def read_to_end(client, wait_s=WAIT_S):
    """All bytes until the stream ends, and how it ended: 'fin', 'reset' or 'timeout'."""
    received = b""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            chunk = client.recv(65536)
        except ConnectionResetError:
            return received, "reset"
        except socket.timeout:
            continue
        if not chunk:
            return received, "fin"
        received += chunk
    return received, "timeout"


def read_line(client):
    line = b""
    deadline = time.monotonic() + WAIT_S
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        try:
            chunk = client.recv(1)
        except socket.timeout:
            continue
        if not chunk:
            break
        line += chunk
    return line


# --- what a client does, and what it saw ---
def longest_line_then_one_byte_more(port):
    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as client:
        client.sendall(b"a" * LIMIT + b"\n")
        accepted = read_line(client)
        client.sendall(b"b" * (LIMIT + 1) + b"\n")
        return accepted, read_to_end(client)


def limit_bytes_without_a_newline_then_the_newline(port):
    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as client:
        client.sendall(b"c" * LIMIT)
        time.sleep(0.3)
        client.setblocking(False)
        try:
            early = client.recv(100)
        except BlockingIOError:
            early = b""
        client.settimeout(0.2)
        client.sendall(b"\n")
        return early, read_line(client)


def twice_the_limit_without_a_newline(port):
    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as client:
        client.sendall(b"d" * (2 * LIMIT))
        return read_to_end(client)


def lines_then_half_close(port):
    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as client:
        client.sendall(b"one\ntwo\npartial")
        client.shutdown(socket.SHUT_WR)
        return read_to_end(client)


SCENARIOS = [longest_line_then_one_byte_more, limit_bytes_without_a_newline_then_the_newline,
             twice_the_limit_without_a_newline, lines_then_half_close]


@unittest.skipUnless(os.path.exists(BINARY), f"needs the built app at {BINARY}")
class SideBySide(unittest.TestCase):
    def run_against_both(self, handler_name, scenario):
        results = {}
        for name, server_class in (("asyncio", AsyncioServer), ("loopscope", LoopscopeServer)):
            server = server_class(handler_name)
            try:
                results[name] = scenario(server.port)
            finally:
                server.stop()
        return results

    def test_echo_sees_the_same_as_asyncio(self):
        for scenario in SCENARIOS:
            with self.subTest(scenario.__name__):
                results = self.run_against_both("echo", scenario)
                self.assertEqual(results["asyncio"], results["loopscope"], scenario.__name__)

    def test_every_line_handler_sees_the_same_as_asyncio(self):
        # The handlers a client talks to line by line; the slow ones (blocking, CPU work) and the
        # chat rooms have their own lessons and tests.
        for handler in ("upper", "ack", "write_with_drain", "write_without_drain", "readline_timeout"):
            for scenario in (lines_then_half_close, twice_the_limit_without_a_newline):
                with self.subTest(handler=handler, scenario=scenario.__name__):
                    results = self.run_against_both(handler, scenario)
                    self.assertEqual(results["asyncio"], results["loopscope"])

    def test_a_handler_that_never_closes_leaks_in_both(self):
        # asyncio: a handler that returns without writer.close() leaves the transport open; the
        # client's stream does not end (echo_no_close, the cleanup lesson's leak).
        def half_close_and_wait(port):
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as client:
                client.sendall(b"hello\n")
                client.shutdown(socket.SHUT_WR)
                return read_to_end(client, wait_s=2)
        results = self.run_against_both("echo_no_close", half_close_and_wait)
        self.assertEqual((b"hello\n", "timeout"), results["asyncio"])
        self.assertEqual(results["asyncio"], results["loopscope"])

    def test_the_reference_itself_behaves_as_the_cpp_tests_say(self):
        # If CPython ever changed these rules, this says so before the comparison does.
        server = AsyncioServer("echo")
        try:
            accepted, (rest, ended) = longest_line_then_one_byte_more(server.port)
            self.assertEqual(b"a" * LIMIT + b"\n", accepted, "limit bytes plus the newline are accepted")
            self.assertEqual((b"", "fin"), (rest, ended), "one more is refused; the handler dies; transport.close()")
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
