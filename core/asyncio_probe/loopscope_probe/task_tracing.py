"""Tasks: spawned, resumed, suspended and exited, with the learner's `await` line.

The handler tasks of start_server are made by loop.create_task (patching asyncio.create_task
would miss them), so a task factory on the loop wraps each coroutine in TracedCoroutine. The
task drives it with send() and throw() exactly as it drives a coroutine; each call is one step
of the task: entering it is a resume, a value coming back is a suspension (the chain is walked
then, to name the learner's line and what it waits on), and an exception is the task's end.
"""

import asyncio
import collections.abc
import inspect

from . import frames
from . import schema


class TracedCoroutine(collections.abc.Coroutine):
    __slots__ = ("_coro", "task_id", "connection", "_probe", "_site", "_kind", "__weakref__")

    def __init__(self, coro, task_id, connection, probe):
        self._coro = coro
        self.task_id = task_id
        self.connection = connection
        self._probe = probe
        self._site = None  # the await it is suspended at (None before its first step)
        self._kind = schema.AWAIT_NONE

    def __getattr__(self, name):
        # What code that inspects a task's coroutine expects (__qualname__, cr_frame, ...).
        return getattr(self._coro, name)

    def __repr__(self):
        return repr(self._coro)

    def __await__(self):
        return self._coro.__await__()

    def close(self):
        return self._coro.close()

    def send(self, value):
        return self._step(self._coro.send, value)

    def throw(self, *exception):
        if self._site is not None and exception:
            thrown = exception[0]
            if isinstance(thrown, asyncio.CancelledError) or (
                    isinstance(thrown, type) and issubclass(thrown, asyncio.CancelledError)):
                probe = self._probe
                probe.record(schema.AWAIT_CANCELLED, self.task_id, self._site, self._kind)
        return self._step(self._coro.throw, *exception)

    def _step(self, step, argument, *more):
        probe = self._probe
        outer_task = probe.current_task
        outer_traced = probe.current_traced
        probe.current_task = self.task_id
        probe.current_traced = self
        if self._site is not None:
            probe.record(schema.TASK_RESUMED, self.task_id, self._site, self._kind)
        try:
            yielded = step(argument, *more)
        except StopIteration:
            self._exited(schema.EXIT_RETURNED)
            raise
        except asyncio.CancelledError:
            self._exited(schema.EXIT_CANCELLED)
            raise
        except BaseException as error:
            self._failed(error)
            raise
        finally:
            probe.current_task = outer_task
            probe.current_traced = outer_traced
        frame, kind = frames.suspension_point(self._coro, yielded)
        self._site = probe.site_of_frame(frame) if frame is not None else 0
        self._kind = kind
        probe.record(schema.TASK_SUSPENDED, self.task_id, self._site, kind)
        if self.connection is not None:
            self.connection.sample_levels()
        return yielded

    def record_cancelled_await(self):
        """The await it is suspended in was cancelled from inside (wait_for's timeout)."""
        if self._site is not None:
            self._probe.record(schema.AWAIT_CANCELLED, self.task_id, self._site, self._kind)

    def _exited(self, reason):
        probe = self._probe
        if self.connection is not None:
            if reason == schema.EXIT_RETURNED and self.connection.peer_sent_eof():
                reason = schema.EXIT_PEER_EOF
            self.connection.sample_levels()
        if self.connection is not None and reason != schema.EXIT_CANCELLED:
            self.connection.handler_returned = True  # an open connection is now a leak
        probe.record(schema.TASK_EXITED, self.task_id, self._site or 0, reason)

    def _failed(self, error):
        probe = self._probe
        probe.failures += 1
        message = str(error)
        text = type(error).__name__ + (": " + message if message else "")
        site_id = self._site or 0
        raised_at = _learner_traceback_entry(error.__traceback__)
        if raised_at is not None:
            site_id = probe.site_of(raised_at[0], raised_at[1])
        probe.record(schema.TASK_FAILED, self.task_id, site_id, 0, probe.label_id(text), probe.failures)
        self._exited(schema.EXIT_ERROR)


def _learner_traceback_entry(traceback):
    """(frame, line) of the innermost traceback entry in the learner's code, if any."""
    found = None
    for _ in range(256):
        if traceback is None:
            break
        if not frames.is_library_file(traceback.tb_frame.f_code.co_filename):
            found = (traceback.tb_frame, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def make_task_factory(probe, previous_factory=None):
    def traced_task_factory(loop, coro, **options):
        # asyncio's own tasks (an accept, a getaddrinfo, 3.11's wait_for around a readline) are
        # how the loop works, not the learner's tasks: they would only add lanes of noise.
        if (inspect.iscoroutine(coro) and not frames.is_library_file(coro.cr_code.co_filename)
                and coro.cr_code not in probe.untraced_code):
            connection = probe.take_pending_connection()
            task_id = connection.id if connection is not None else probe.next_task_id()
            parent = probe.current_task
            name = getattr(coro, "__qualname__", None) or type(coro).__name__
            probe.record(schema.TASK_SPAWNED, task_id, 0, 0, probe.label_id(name), parent)
            coro = TracedCoroutine(coro, task_id, connection, probe)
        if previous_factory is not None:
            return previous_factory(loop, coro, **options)
        return asyncio.Task(coro, loop=loop, **options)

    return traced_task_factory
