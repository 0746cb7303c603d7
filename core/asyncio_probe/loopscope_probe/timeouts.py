"""asyncio.wait_for's timeout, seen as what it is: the awaited call was cancelled.

When the deadline passes, wait_for cancels what it waits on (in 3.11, the inner task running
reader.readline()) and raises TimeoutError in the learner's task. The learner's task itself is
resumed normally, so its step throws no CancelledError: this wrapper records the
cancelled await (await_cancelled, at the learner's wait_for line with the kind of the wait, a
readline with a deadline), as Loopscope's server records its timed-out readline.
"""

import asyncio
import asyncio.tasks
import functools

from . import task_tracing


def install(probe):
    original_wait_for = asyncio.tasks.wait_for

    # Not named wait_for: the await classification (frames.py) looks for asyncio's own frame.
    @functools.wraps(original_wait_for)
    async def traced_wait_for(fut, timeout):
        try:
            return await original_wait_for(fut, timeout)
        except TimeoutError:
            task_tracing.record_cancelled_await(probe, probe.current_traced)
            raise

    traced_wait_for.__name__ = traced_wait_for.__qualname__ = "traced_wait_for"
    asyncio.wait_for = traced_wait_for
    asyncio.tasks.wait_for = traced_wait_for
