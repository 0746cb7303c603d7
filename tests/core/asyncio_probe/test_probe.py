"""The CPython asyncio probe, end to end: a learner-style server (assets/examples/my_server.py)
run unmodified under the probe, real clients on 127.0.0.1, the wire stream decoded and checked.
Each test names what a learner would be misled by if it broke."""

import os
import socket
import time
import unittest

from probed_run import ProbedRun, read_line, schema

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "assets", "examples",
                      "my_server.py")


def line_of(text):
    """The line number in my_server.py of the first line containing `text`."""
    with open(SERVER) as source:
        for number, line in enumerate(source, 1):
            if text in line:
                return number
    raise AssertionError(f"{text!r} not in {SERVER}")


def connect(run):
    client = socket.create_connection(("127.0.0.1", run.port()), timeout=10)
    return client


class ProbeTest(unittest.TestCase):
    def test_handler_task_is_named_and_waits_at_the_learners_readline(self):
        with ProbedRun(SERVER) as run:
            with connect(run) as client:
                client.sendall(b"hello\n")
                self.assertEqual(read_line(client), b"HELLO\n")
            run.wait_for(lambda stream: any(e["kind"] == schema.CONNECTION_CLOSED for e in stream.events),
                         what="the connection to close")
        stream = run.stream
        accepted = stream.of_kind(schema.CONNECTION_ACCEPTED)
        self.assertEqual(len(accepted), 1)
        connection_id = accepted[0]["subject"]
        spawned = [e for e in stream.of_kind(schema.TASK_SPAWNED) if e["subject"] == connection_id]
        self.assertEqual([stream.labels[e["aux"]] for e in spawned], ["handle"], "the handler's task has its name")
        reads = [e for e in stream.of_kind(schema.TASK_SUSPENDED)
                 if e["subject"] == connection_id and e["detail"] == schema.AWAIT_READLINE]
        self.assertTrue(reads)
        self.assertEqual({stream.site_text(e["site"]) for e in reads},
                         {f"my_server.py:{line_of('await reader.readline()')}"}, "the learner's own line, not asyncio's")
        self.assertFalse([e for e in stream.of_kind(schema.TASK_SPAWNED)
                          if "_accept_connection" in stream.labels.get(e["aux"], "")], "asyncio's own tasks stay out")
        self.assertEqual(stream.end_status, 130, "the stream ends with the program's status after SIGINT")

    def test_time_sleep_is_a_freeze_named_at_its_line_while_it_lasts(self):
        with ProbedRun(SERVER) as run:
            with connect(run) as client:
                client.sendall(b"sleep\n")
                run.wait_for(lambda stream: stream.of_kind(schema.FREEZE_BEGIN), what="the freeze to be named")
                self.assertFalse(run.stream.of_kind(schema.FREEZE_END), "named while the loop is still stuck")
                self.assertEqual(read_line(client), b"slept\n")
                run.wait_for(lambda stream: stream.of_kind(schema.FREEZE_END), what="the freeze to end")
        stream = run.stream
        begin = stream.of_kind(schema.FREEZE_BEGIN)[0]
        end = stream.of_kind(schema.FREEZE_END)[0]
        self.assertEqual(stream.site_text(begin["site"]), f"my_server.py:{line_of('time.sleep(0.4)')}")
        self.assertEqual(begin["subject"], stream.of_kind(schema.CONNECTION_ACCEPTED)[0]["subject"])
        # The freeze lasts the 0.4 s sleep (generous margins: a shared machine).
        self.assertGreater(end["value"], 0.35e9)
        self.assertLess(end["value"], 4e9)

    def test_to_thread_freezes_nothing_and_is_an_offload(self):
        with ProbedRun(SERVER) as run:
            with connect(run) as client:
                client.sendall(b"think\n")
                self.assertEqual(read_line(client), b"thought\n")
                client.sendall(b"hello\n")
                self.assertEqual(read_line(client), b"HELLO\n")
        stream = run.stream
        self.assertFalse(stream.of_kind(schema.FREEZE_BEGIN), "an off-loaded call does not freeze the loop")
        offloads = [e for e in stream.of_kind(schema.TASK_SUSPENDED) if e["detail"] == schema.AWAIT_OFFLOAD]
        self.assertEqual(len(offloads), 1)
        self.assertEqual(stream.site_text(offloads[0]["site"]), f"my_server.py:{line_of('asyncio.to_thread')}")

    def test_drain_stalls_start_above_high_water_and_end_at_low_water(self):
        high, low = 16384, 4096
        with ProbedRun(SERVER, "--high-water", str(high), "--low-water", str(low), "--send-buffer", "4096",
                       "--receive-buffer", "4096") as run:
            with connect(run) as client:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                client.sendall(b"big 512\n")
                run.wait_for(lambda stream: stream.of_kind(schema.DRAIN_STALL_BEGIN), what="a drain stall")
                received = 0
                deadline = time.monotonic() + 20
                while received < 512 * 1024 and time.monotonic() < deadline:
                    chunk = client.recv(65536)
                    if not chunk:
                        break
                    received += len(chunk)
                    time.sleep(0.001)  # a slow reader
                self.assertEqual(received, 512 * 1024)
                run.wait_for(lambda stream: len(stream.of_kind(schema.DRAIN_STALL_END)) ==
                             len(stream.of_kind(schema.DRAIN_STALL_BEGIN)), what="every stall to end")
        stream = run.stream
        limits = {(e["detail"], e["aux"]): e["value"] for e in stream.of_kind(schema.BUFFER_LIMIT)}
        self.assertEqual(limits[(schema.BUFFER_WRITER, schema.LIMIT_HIGH_WATER)], high)
        self.assertEqual(limits[(schema.BUFFER_WRITER, schema.LIMIT_LOW_WATER)], low)
        for begin in stream.of_kind(schema.DRAIN_STALL_BEGIN):
            self.assertGreater(begin["value"], high, "asyncio pauses writing above high water")
            self.assertEqual(stream.site_text(begin["site"]), f"my_server.py:{line_of('await writer.drain()')}")
        for end in stream.of_kind(schema.DRAIN_STALL_END):
            self.assertLessEqual(end["value"], low, "and resumes at or below low water")
        writer_levels = [e["value"] for e in stream.of_kind(schema.BUFFER_LEVEL) if e["detail"] == schema.BUFFER_WRITER]
        self.assertGreater(max(writer_levels), high)
        kernel_send = [e["value"] for e in stream.of_kind(schema.BUFFER_LEVEL) if e["detail"] == schema.BUFFER_KERNEL_SEND]
        self.assertTrue(any(level > 0 for level in kernel_send), "the kernel's queue is sampled under backpressure")

    def test_a_bad_option_exits_2_and_names_it(self):
        read_fd, write_fd = os.pipe()
        try:
            import subprocess
            import sys
            from probed_run import PROBE_DIR
            result = subprocess.run([sys.executable, "-m", "loopscope_probe", "--wire-fd", str(write_fd),
                                     "--high-water", "0", SERVER], env=dict(os.environ, PYTHONPATH=PROBE_DIR),
                                    capture_output=True, timeout=30, pass_fds=(write_fd,))
        finally:
            os.close(read_fd)
            os.close(write_fd)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"--high-water", result.stderr)


if __name__ == "__main__":
    unittest.main()
