"""Tasks: spawned, resumed, suspended and exited, with the learner's `await` line.

The handler tasks of start_server are made by loop.create_task (patching asyncio.create_task
would miss them), so a task factory on the loop registers each task of the learner's. A task
runs in steps, and every step is a callback the loop runs through Handle._run (the task's
__step, or its wakeup when the future it awaits is done; either is a method of the task), so
the loop hook (loop_hooks.py) finds the task of a step from the callback and calls
make_step_tracer's step_began / step_ended around it. After a step the task is either done
(its end) or suspended: then its coroutine's `cr_await` chain names the learner's line and what
it awaits.

The task's coroutine is left as it is: a wrapper around it would put a Python call into every
step (the probe's largest cost per line), and the learner's code would see the wrapper where
it looks at its own coroutine (task.get_coro()). Nor does the probe keep a task alive: asyncio
holds tasks weakly, so a pending task nobody references is destroyed ("Task was destroyed but
it is pending!"), and a probe that held it would hide that classic mistake. The probe's table
of tasks is keyed by id (a task's __hash__ is never called, nor a callback owner's) and an
entry leaves it when its task ends or is destroyed.
"""

import asyncio
import inspect
import weakref

from . import frames
from . import schema


class TracedTask:
    """What the probe knows of one of the learner's tasks (never the task itself: see above)."""

    __slots__ = ("task_id", "connection", "site_id", "await_kind", "cancel_recorded", "task_ref")

    def __init__(self, task_id, connection):
        self.task_id = task_id
        self.connection = connection
        self.site_id = None  # the await it is suspended at (None before its first step)
        self.await_kind = schema.AWAIT_NONE
        self.cancel_recorded = False  # this step began by ending its await as cancelled
        self.task_ref = None  # a weak reference whose callback drops the entry


def track(probe, task, traced):
    """Enters `task` into probe.traced_tasks until it ends or is destroyed."""
    key = id(task)
    tasks = probe.traced_tasks

    def destroyed(_, key=key, traced=traced):
        if tasks.get(key) is traced:
            del tasks[key]

    traced.task_ref = weakref.ref(task, destroyed)
    tasks[key] = traced


def make_step_tracer(probe):
    """(step_began, step_ended) for the loop hook, with what they need bound as locals: they
    run around every step of every task, the probe's most frequent work after the loop's own.

    step_began(traced, task, callback_args, time_ns) runs before a step of `task` and returns
    the task that ran before it, for step_ended(traced, task, outer, time_ns) after it.
    A step that throws CancelledError into the await (the task was cancelled, or the future it
    waited on was) ends that await: the task's __step cancels when _must_cancel is set, and its
    wakeup is called with the future it waited on."""
    record = probe.record
    site_of_frame = probe.site_of_frame
    suspension_point = frames.suspension_point
    awaited_library_call = frames.awaited_library_call
    cacheable_kind = frames.cacheable_kind
    known_suspensions = {}  # awaited_library_call's key -> (site id, AwaitKind, the frame's code)
    task_resumed = schema.TASK_RESUMED
    task_suspended = schema.TASK_SUSPENDED
    await_cancelled = schema.AWAIT_CANCELLED

    def step_began(traced, task, callback_args, time_ns):
        outer = probe.current_traced
        probe.current_traced = traced
        probe.current_task = traced.task_id
        site_id = traced.site_id
        traced.cancel_recorded = False
        if site_id is not None:
            if task._must_cancel or (callback_args and _cancelled_future(callback_args[0])):
                record(await_cancelled, traced.task_id, site_id, traced.await_kind, 0, 0, time_ns)
                traced.cancel_recorded = True
            record(task_resumed, traced.task_id, site_id, traced.await_kind, 0, 0, time_ns)
        return outer

    def step_ended(traced, task, outer, time_ns):
        probe.current_traced = outer
        probe.current_task = outer.task_id if outer is not None else 0
        if task.done():
            _exited(probe, traced, task)
            return
        coro = task.get_coro()
        awaiting_frame, key, library_code = awaited_library_call(coro)
        known = known_suspensions.get(key) if key is not None else None
        if known is None:
            frame, kind = suspension_point(coro, task._fut_waiter)
            site_id = site_of_frame(frame) if frame is not None else 0
            if key is not None and frame is awaiting_frame and cacheable_kind(library_code, kind):
                # With the frame's code object, so that the id in the key stays its own (the
                # awaited library code is kept by frames' own cache).
                known_suspensions[key] = (site_id, kind, frame.f_code)
        else:
            site_id, kind = known[0], known[1]
        traced.site_id = site_id
        traced.await_kind = kind
        record(task_suspended, traced.task_id, site_id, kind, 0, 0, time_ns)
        if traced.connection is not None:
            traced.connection.sample_levels(False, time_ns)

    return step_began, step_ended


# The callables a task's step runs as: the C task's __step (a TaskStepMethWrapper) and wakeup
# (task_wakeup), the pure-Python task's bound __step and __wakeup.
_STEP_TYPE_NAMES = frozenset({"TaskStepMethWrapper"})
_STEP_NAMES = frozenset({"task_wakeup", "__step", "__wakeup"})


def is_step(callback):
    """Whether a loop callback bound to a task is a step of it (not, say, its cancel())."""
    return type(callback).__name__ in _STEP_TYPE_NAMES or getattr(callback, "__name__", None) in _STEP_NAMES


def record_cancelled_await(probe, traced):
    """The await `traced` is suspended in was cancelled from inside (wait_for's timeout). From
    3.12, wait_for cancels the learner's own task, so its step has recorded that already."""
    if traced is not None and traced.site_id is not None and not traced.cancel_recorded:
        probe.record(schema.AWAIT_CANCELLED, traced.task_id, traced.site_id, traced.await_kind)


def _cancelled_future(value):
    # A task's wakeup is called with the future it awaited (asyncio's, or one that behaves
    # like it: Task only accepts those); its __step is called with nothing.
    try:
        return value.cancelled()
    except AttributeError:
        return False


def _exited(probe, traced, task):
    probe.traced_tasks.pop(id(task), None)
    connection = traced.connection
    if task.cancelled():
        reason = schema.EXIT_CANCELLED
    else:
        # _exception, not exception(): that would mark the error as retrieved and silence
        # asyncio's "Task exception was never retrieved", which the learner should still see.
        error = task._exception
        if error is not None:
            _failed(probe, traced, error)
            reason = schema.EXIT_ERROR
        elif connection is not None and connection.peer_sent_eof():
            reason = schema.EXIT_PEER_EOF
        else:
            reason = schema.EXIT_RETURNED
    if connection is not None:
        connection.sample_levels()
        if reason != schema.EXIT_CANCELLED:
            connection.handler_returned = True  # an open connection is now a leak
    probe.record(schema.TASK_EXITED, traced.task_id, traced.site_id or 0, reason)


def _failed(probe, traced, error):
    probe.failures += 1
    try:
        message = str(error)
    except Exception:  # an exception whose __str__ fails is still the task's end
        message = "(its message could not be read)"
    text = type(error).__name__ + (": " + message if message else "")
    site_id = traced.site_id or 0
    raised_at = _learner_traceback_entry(error.__traceback__)
    if raised_at is not None:
        site_id = probe.site_of(raised_at[0], raised_at[1])
    probe.record(schema.TASK_FAILED, traced.task_id, site_id, 0, probe.label_id(text), probe.failures)


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
        traced = None
        if (inspect.iscoroutine(coro) and not frames.is_library_file(coro.cr_code.co_filename)
                and coro.cr_code not in probe.untraced_code):
            connection = probe.take_pending_connection()
            task_id = connection.id if connection is not None else probe.next_task_id()
            name = getattr(coro, "__qualname__", None) or type(coro).__name__
            probe.record(schema.TASK_SPAWNED, task_id, 0, 0, probe.label_id(name), probe.current_task)
            traced = TracedTask(task_id, connection)
        if previous_factory is not None:
            task = previous_factory(loop, coro, **options)
        else:
            task = asyncio.Task(coro, loop=loop, **options)
        if traced is not None:
            if task.done() or coro.cr_await is not None:
                # Started eagerly (3.12's eager task factory runs the first step inside this
                # call, not through the loop): that step is over already.
                probe.step_ended(traced, task, probe.current_traced, probe.clock())
            if not task.done():
                track(probe, task, traced)
        return task

    return traced_task_factory
