"""The buffer between the threads that record (the loop, the watchdog) and the writer thread.

Recording must never block the loop: an event is one deque append (atomic under the GIL), a
full buffer drops the event and counts it, and only the writer thread touches the pipe. Site
and label definitions are never dropped (events refer to them); there are few of them.
"""

import collections
import os
import threading
import time

from . import wire_writer

DEFAULT_CAPACITY_EVENTS = 1 << 17
FLUSH_INTERVAL_S = 0.005


class EventBuffer:
    def __init__(self, fd, capacity_events=DEFAULT_CAPACITY_EVENTS):
        self._fd = fd
        self._capacity = capacity_events
        self._queue = collections.deque()
        self.dropped = 0
        self.encoded = 0  # events handed to the stream so far (the writer thread counts them)
        self._dropped_sent = 0
        self._stop = threading.Event()
        self._broken = False
        self._thread = threading.Thread(target=self._run, name="loopscope-probe-writer", daemon=True)

    def start(self, first_bytes):
        self._write(first_bytes)
        self._thread.start()

    def make_recorder(self, clock):
        """The probe's record(kind, subject, site_id, detail, aux, value, time_ns=None): one
        call, one tuple, one append, with everything it needs bound as locals. It runs for
        every event on the loop, so each attribute lookup saved is paid back millions of times.
        The tuple is in the wire record's field order, for the writer to pack as is."""
        queue = self._queue
        append = queue.append
        capacity = self._capacity
        buffer = self

        def record(kind, subject, site_id=0, detail=0, aux=0, value=0, time_ns=None):
            if len(queue) >= capacity:
                buffer.dropped += 1
                return
            append((clock() if time_ns is None else time_ns, value, subject, site_id, kind, detail, aux, 0))

        return record

    def define(self, encoded_frame):
        """A site, label or listening frame: kept in order with the events, never dropped."""
        self._queue.append(encoded_frame)

    def close(self, final_bytes):
        """Flushes everything, writes `final_bytes` (the end frame) and closes the pipe."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._flush()
        self._write(final_bytes)
        try:
            os.close(self._fd)
        except OSError:
            pass

    def _run(self):
        while not self._stop.is_set():
            self._flush()
            time.sleep(FLUSH_INTERVAL_S)

    def _flush(self):
        chunks = []
        pending = []
        queue = self._queue
        while queue:
            item = queue.popleft()
            if isinstance(item, bytes):
                if pending:
                    chunks.append(wire_writer.events(pending))
                    pending = []
                chunks.append(item)
            else:
                pending.append(item)
                self.encoded += 1
                if len(pending) >= wire_writer.MAX_EVENTS_PER_FRAME:
                    chunks.append(wire_writer.events(pending))
                    pending = []
        if pending:
            chunks.append(wire_writer.events(pending))
        if self.dropped != self._dropped_sent:
            self._dropped_sent = self.dropped
            chunks.append(wire_writer.dropped(self._dropped_sent))
        if chunks:
            self._write(b"".join(chunks))

    def _write(self, data):
        # A blocking write on this thread only: when the app reads slowly the buffer fills and
        # drops, the loop never waits. When the app is gone, recording goes on into nothing.
        if self._broken:
            return
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._fd, view)
            except InterruptedError:
                continue
            except OSError:
                self._broken = True
                return
            view = view[written:]
