"""The probe's view of tasks and stream errors in the corners a learner's program reaches:
helper coroutines, an over-long line, a short readexactly, a cancelled task, a task's own
coroutine, an exception nobody retrieved. The program is programs/task_corners.py, run
unmodified under the probe; each test names what a learner would be misled by if it broke."""

import os
import socket
import time
import unittest

from probed_run import ProbedRun, read_line, schema

PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs", "task_corners.py")


def site_of(text):
    """'task_corners.py:N' for the first line of the program containing `text`."""
    with open(PROGRAM) as source:
        for number, line in enumerate(source, 1):
            if text in line:
                return f"task_corners.py:{number}"
    raise AssertionError(f"{text!r} not in {PROGRAM}")


def ask(run, *sends, shut_write=False):
    """One connection: each of `sends` sent 50 ms apart (so each read waits for it), then its
    one-line answer, and the connection's id once its close is recorded."""
    with socket.create_connection(("127.0.0.1", run.port()), timeout=10) as client:
        for data in sends:
            client.sendall(data)
            time.sleep(0.05)
        if shut_write:
            client.shutdown(socket.SHUT_WR)
        reply = read_line(client)
    closed = len(run.stream.of_kind(schema.CONNECTION_CLOSED))
    run.wait_for(lambda stream: len(stream.of_kind(schema.CONNECTION_CLOSED)) >= closed,
                 what="the connection to close")
    return reply, run.stream.of_kind(schema.CONNECTION_ACCEPTED)[-1]["subject"]


def answer_of(*sends, probe_options=(), shut_write=False):
    """ask() on a run of its own: (the reply, the connection's id, the run, stopped)."""
    with ProbedRun(PROGRAM, *probe_options) as run:
        reply, connection_id = ask(run, *sends, shut_write=shut_write)
    return reply, connection_id, run


def events_of(stream, task_id, kind):
    return [event for event in stream.of_kind(kind) if event["subject"] == task_id]


def task_named(stream, name):
    spawned = [event for event in stream.of_kind(schema.TASK_SPAWNED) if stream.labels.get(event["aux"]) == name]
    assert len(spawned) == 1, f"one task named {name}, got {len(spawned)}"
    return spawned[0]["subject"]


class TaskCornersTest(unittest.TestCase):
    def test_a_wait_inside_a_helper_coroutine_is_named_at_the_helpers_await_every_time(self):
        with ProbedRun(PROGRAM) as run:
            answers = [ask(run, b"helper\n", b"a\n", b"b\n", b"c\n") for _ in range(2)]
        stream = run.stream
        for reply, connection_id in answers:
            self.assertEqual(reply, b"a b c\n")
            reads = events_of(stream, connection_id, schema.TASK_SUSPENDED)
            helper_reads = [e for e in reads if stream.site_text(e["site"]) == site_of("# helper await")]
            # Each of the three lines arrived after its readline began, so each one waited.
            self.assertGreaterEqual(len(helper_reads), 3, [stream.site_text(e["site"]) for e in reads])
            self.assertEqual({e["detail"] for e in helper_reads}, {schema.AWAIT_READLINE})
            resumed_at = {stream.site_text(e["site"]) for e in events_of(stream, connection_id, schema.TASK_RESUMED)}
            self.assertIn(site_of("# helper await"), resumed_at, "it resumes where it waited")

    def test_an_over_long_line_is_a_stream_error_at_the_learners_readline(self):
        reply, connection_id, run = answer_of(b"long\n" + b"x" * 200 + b"\n", probe_options=("--line-limit", "64"))
        self.assertEqual(reply, b"too long\n", "asyncio's readline raised ValueError, as without the probe")
        stream = run.stream
        errors = events_of(stream, connection_id, schema.STREAM_ERROR)
        self.assertEqual([(e["detail"], e["value"]) for e in errors], [(schema.STREAM_LINE_TOO_LONG, 64)])
        self.assertEqual(stream.site_text(errors[0]["site"]), site_of("# long readline"))

    def test_a_short_readexactly_is_a_stream_error_with_what_arrived(self):
        reply, connection_id, run = answer_of(b"exact\n", b"abc", shut_write=True)
        self.assertEqual(reply, b"short 3\n")
        stream = run.stream
        errors = events_of(stream, connection_id, schema.STREAM_ERROR)
        self.assertEqual([(e["detail"], e["value"]) for e in errors], [(schema.STREAM_INCOMPLETE_READ, 3)])
        self.assertEqual(stream.site_text(errors[0]["site"]), site_of("# exact read"))
        self.assertFalse([e for e in stream.of_kind(schema.STREAM_ERROR) if e["detail"] == schema.STREAM_LINE_TOO_LONG],
                         "readline's own partial read at EOF is no error")

    def test_a_cancelled_task_ends_its_await_once_and_other_methods_are_not_its_steps(self):
        reply, _, run = answer_of(b"cancel\n")
        self.assertEqual(reply, b"cancelled\n")
        stream = run.stream
        sleeper = task_named(stream, "sleeper")
        sleep_site = site_of("# sleeper await")
        suspended = events_of(stream, sleeper, schema.TASK_SUSPENDED)
        self.assertEqual([(stream.site_text(e["site"]), e["detail"]) for e in suspended],
                         [(sleep_site, schema.AWAIT_SLEEP)])
        cancelled = events_of(stream, sleeper, schema.AWAIT_CANCELLED)
        self.assertEqual([stream.site_text(e["site"]) for e in cancelled], [sleep_site])
        # loop.call_soon(task.cancel) is a callback bound to the task, but not a step of it:
        # one resume only, the one that throws CancelledError into the sleep.
        self.assertEqual(len(events_of(stream, sleeper, schema.TASK_RESUMED)), 1)
        self.assertEqual([e["detail"] for e in events_of(stream, sleeper, schema.TASK_EXITED)], [schema.EXIT_CANCELLED])

    def test_a_task_keeps_its_own_coroutine(self):
        reply, _, _ = answer_of(b"coro\n")
        self.assertEqual(reply, b"coroutine handle\n", "task.get_coro() is the learner's coroutine, no wrapper")

    def test_an_unretrieved_exception_is_recorded_and_asyncio_still_reports_it(self):
        reply, _, run = answer_of(b"fail\n")
        self.assertEqual(reply, b"dropped\n")
        stream = run.stream
        failing = task_named(stream, "failing")
        failed = events_of(stream, failing, schema.TASK_FAILED)
        self.assertEqual([stream.labels[e["aux"]] for e in failed], ["KeyError: 'lost key'"])
        self.assertEqual(stream.site_text(failed[0]["site"]), site_of("# failing raise"))
        self.assertEqual([e["detail"] for e in events_of(stream, failing, schema.TASK_EXITED)], [schema.EXIT_ERROR])
        self.assertIn("Task exception was never retrieved", run.stderr_so_far(),
                      "the probe reads the exception without marking it retrieved")

    def test_a_callback_on_an_unhashable_object_runs_as_without_the_probe(self):
        reply, _, run = answer_of(b"unhashable\n")
        self.assertEqual(reply, b"ticked\n")
        self.assertNotIn("loopscope_probe", run.stderr_so_far())

    def test_the_probe_keeps_no_task_alive_so_asyncio_still_destroys_an_orphan(self):
        reply, _, run = answer_of(b"orphan\n")
        self.assertEqual(reply, b"orphaned\n")
        self.assertIn("Task was destroyed but it is pending!", run.stderr_so_far())

    def test_an_exception_that_cannot_be_printed_still_ends_its_task(self):
        reply, _, run = answer_of(b"unprintable\n")
        self.assertEqual(reply, b"raised\n")
        stream = run.stream
        failed = stream.of_kind(schema.TASK_FAILED)
        self.assertEqual([stream.labels[e["aux"]].split(":")[0] for e in failed], ["Unprintable"])
        self.assertNotIn("loopscope_probe", run.stderr_so_far(), "no error of the probe's own")

    def test_one_await_line_waiting_on_different_calls_names_each_wait(self):
        # with_deadline's one wait_for line awaits a sleep, then an off-loaded call: the probe's
        # memory of that line must not name the second wait after the first.
        reply, connection_id, run = answer_of(b"deadlines\n")
        self.assertEqual(reply, b"timed out twice\n")
        stream = run.stream
        kinds = [e["detail"] for e in events_of(stream, connection_id, schema.TASK_SUSPENDED)
                 if stream.site_text(e["site"]) == site_of("# deadline await")]
        self.assertIn(schema.AWAIT_SLEEP, kinds)
        self.assertIn(schema.AWAIT_OFFLOAD, kinds)
        self.assertLess(kinds.index(schema.AWAIT_SLEEP), kinds.index(schema.AWAIT_OFFLOAD))
        cancelled = events_of(stream, connection_id, schema.AWAIT_CANCELLED)
        self.assertEqual(len(cancelled), 2, "each timed-out wait ends once")


if __name__ == "__main__":
    unittest.main()
