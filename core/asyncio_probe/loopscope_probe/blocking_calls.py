"""Blocking calls made on the loop thread: time.sleep, the classic mistake, named as such.

A time.sleep() inside a callback the loop runs stops every other task for its whole length.
The freeze watchdog already sees the stall; this names its cause, as Loopscope's own server
marks its blocking calls: a blocking_call event with the sleep's real length, at the learner's
line that called it. Only sleeps on the loop thread while a callback runs are recorded:
asyncio.to_thread(time.sleep, ...) runs on a worker thread and freezes nothing.
"""

import functools
import sys
import threading
import time

from . import schema


def install(probe):
    original_sleep = time.sleep

    @functools.wraps(original_sleep)
    def sleep(seconds):
        if probe.running_since_ns == 0 or threading.get_ident() != probe.watchdog.loop_thread_id:
            return original_sleep(seconds)
        started_ns = probe.clock()
        caller = sys._getframe(1)
        try:
            return original_sleep(seconds)
        finally:
            probe.record(schema.BLOCKING_CALL, probe.current_task, probe.site_of_frame(caller), 0, 0,
                         probe.clock() - started_ns, started_ns)

    time.sleep = sleep
