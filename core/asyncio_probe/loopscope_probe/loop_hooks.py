"""The loop itself: every callback with its duration, the heartbeat, the buffer sampler.

Everything the loop runs is an asyncio.events.Handle (a task's step, a socket becoming
readable, a timer), so wrapping Handle._run times every callback, and sees each step of the
learner's tasks (task_tracing.py). While one runs, the probe
knows since when, which is what the freeze watchdog reads from its own thread.
"""

import functools
from asyncio import events

from . import schema
from . import task_tracing

HEARTBEAT_INTERVAL_S = 0.010  # as the C++ loop's heartbeat
SAMPLE_EVERY_HEARTBEATS = 2   # kernel queues of connections under backpressure: every 20 ms


def install(probe):
    original_run = events.Handle._run
    # Bound once: this runs around every callback the loop makes.
    clock = probe.clock
    record = probe.record
    traced_task_of = probe.traced_tasks.get
    handler_invoked = schema.HANDLER_INVOKED
    freeze_threshold_ns = probe.freeze_threshold_ns
    step_began, step_ended = probe.step_began, probe.step_ended

    @functools.wraps(original_run)
    def _run(self):
        started_ns = clock()
        probe.running_since_ns = started_ns
        # A task's step is a method of the task (its __step, or its wakeup): one dictionary
        # look-up by id tells whether this callback runs one of the learner's tasks (by id:
        # the callback's owner may be unhashable, or hash with code of the learner's).
        callback = self._callback
        task = getattr(callback, "__self__", None)
        traced = traced_task_of(id(task))
        if traced is not None:
            try:
                if task_tracing.is_step(callback):
                    outer = step_began(traced, task, self._args, started_ns)
                else:
                    traced = None  # another method of the task (loop.call_soon(task.cancel))
            except Exception:
                traced = None
                probe.hook_failed()
        try:
            original_run(self)
        finally:
            ended_ns = clock()
            if traced is not None:
                try:
                    step_ended(traced, task, outer, ended_ns)
                except Exception:
                    probe.hook_failed()
            probe.running_since_ns = 0
            record(handler_invoked, 0, 0, 0, 0, ended_ns - started_ns, started_ns)
            if ended_ns - started_ns >= freeze_threshold_ns:
                probe.watchdog.callback_ended(started_ns, ended_ns)

    events.Handle._run = _run


def start_heartbeat(probe, loop):
    """Every 10 ms: how late the timer fired (the loop's lag), and a look at busy buffers."""
    state = {"due": probe.clock() + int(HEARTBEAT_INTERVAL_S * 1e9), "ticks": 0}

    def beat():
        now_ns = probe.clock()
        probe.record(schema.LOOP_LAG, 0, 0, 0, 0, max(0, now_ns - state["due"]), now_ns)
        state["ticks"] += 1
        if state["ticks"] % SAMPLE_EVERY_HEARTBEATS == 0:
            for connection in list(probe.connections.values()):
                if connection.under_backpressure():
                    connection.sample_levels(kernel=True)
        # From now, not from the due time: after a freeze, one late tick, not a burst.
        state["due"] = now_ns + int(HEARTBEAT_INTERVAL_S * 1e9)
        if not loop.is_closed():
            loop.call_later(HEARTBEAT_INTERVAL_S, beat)

    loop.call_later(HEARTBEAT_INTERVAL_S, beat)
