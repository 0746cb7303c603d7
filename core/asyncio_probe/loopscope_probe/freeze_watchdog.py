"""Sees, from its own thread, that the loop has not come back, and names where it is stuck.

While the loop runs one callback for longer than the threshold, the watchdog records a
freeze that began when that callback began, with the running task and the learner's line the
loop thread is on right now (read from sys._current_frames(): for time.sleep(0.4) it is the
line of the call). The callback's end closes it. A lock orders the two so that a freeze is
never begun after its end was missed: only callbacks past the threshold ever take it.
"""

import sys
import threading

from . import frames
from . import schema

POLL_INTERVAL_S = 0.005


class FreezeWatchdog:
    def __init__(self, probe):
        self._probe = probe
        self._lock = threading.Lock()
        self._reported_start_ns = 0
        self._reported_task = 0
        self._reported_site = 0
        self.loop_thread_id = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="loopscope-probe-watchdog", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _run(self):
        probe = self._probe
        while not self._stop.wait(POLL_INTERVAL_S):
            started_ns = probe.running_since_ns
            if started_ns == 0 or probe.clock() - started_ns < probe.freeze_threshold_ns:
                continue
            with self._lock:
                if probe.running_since_ns != started_ns or self._reported_start_ns == started_ns:
                    continue
                task = probe.current_task
                site_id = self._stuck_site()
                probe.record(schema.FREEZE_BEGIN, task, site_id, 0, 0, 0, started_ns)
                self._reported_start_ns = started_ns
                self._reported_task = task
                self._reported_site = site_id

    def _stuck_site(self):
        if self.loop_thread_id is None:
            return 0
        frame = sys._current_frames().get(self.loop_thread_id)
        if frame is None:
            return 0
        return self._probe.site_of_frame(frames.innermost_learner_frame(frame))

    def callback_ended(self, started_ns, ended_ns):
        """On the loop thread, after a callback that ran past the threshold."""
        with self._lock:
            if self._reported_start_ns != started_ns:
                return
            self._probe.record(schema.FREEZE_END, self._reported_task, self._reported_site, 0, 0,
                               ended_ns - started_ns, ended_ns)
            self._reported_start_ns = 0
