"""The buffer between the threads that record (the loop, the watchdog) and the writer thread.

Recording must never block the loop: an event is packed into its 32-byte wire record and
appended to a bytearray (one C call each, atomic under the GIL), a full buffer drops the event
and counts it, and only the writer thread touches the pipe. The writer takes what is there
with one copy and one delete of that prefix (also single C calls, so appends in between stay
queued), frames it and writes it: no Python code runs per event on its side, which matters
because with the GIL any work on the writer thread is time the loop does not run.

That atomicity is the GIL's. A free-threaded build (3.13t) gives bytearray no lock of its own
before 3.14, so there every append and every take holds a lock of the buffer's instead.

Site, label and listening definitions wait in a list of their own and are never dropped
(events refer to them; there are few). The writer takes the events first and the
definitions after, and sends the definitions first: a definition is queued before any event
that uses it, so it always reaches the app before that event does (docs/wire-format.md).
"""

import contextlib
import os
import struct
import sys
import threading
import time

from . import wire_writer

DEFAULT_CAPACITY_EVENTS = 1 << 17
FLUSH_INTERVAL_S = 0.005

_U64 = 0xFFFFFFFFFFFFFFFF
_U32 = 0xFFFFFFFF


class EventBuffer:
    def __init__(self, fd, capacity_events=DEFAULT_CAPACITY_EVENTS):
        self._fd = fd
        self._capacity_bytes = capacity_events * wire_writer.EVENT_RECORD.size
        self._records = bytearray()  # packed event records, oldest first
        self._definitions = []       # encoded site / label / listening frames, in id order
        self.dropped = 0
        self.encoded = 0  # events handed to the stream so far (the writer thread counts them)
        self._dropped_sent = 0
        self._stop = threading.Event()
        self._broken = False
        self._thread = threading.Thread(target=self._run, name="loopscope-probe-writer", daemon=True)
        gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
        self._lock = contextlib.nullcontext() if gil_enabled else threading.Lock()

    def start(self, first_bytes):
        self._write(first_bytes)
        self._thread.start()

    def make_recorder(self, clock):
        """The probe's record(kind, subject, site_id, detail, aux, value, time_ns=None): one
        call, one pack, one append, with everything it needs bound as locals. It runs for
        every event on the loop, so each attribute lookup saved is paid back millions of times."""
        records = self._records
        append = records.extend
        if not isinstance(self._lock, contextlib.nullcontext):
            lock = self._lock
            unlocked_append = append

            def append(data):
                with lock:
                    unlocked_append(data)

        pack = wire_writer.EVENT_RECORD.pack
        capacity_bytes = self._capacity_bytes
        buffer = self

        def record(kind, subject, site_id=0, detail=0, aux=0, value=0, time_ns=None):
            if len(records) >= capacity_bytes:
                buffer.dropped += 1
                return
            if time_ns is None:
                time_ns = clock()
            try:
                append(pack(time_ns, value, subject, site_id, kind, detail, aux, 0))
            except struct.error:
                # A value out of its field's range (a negative duration from a clock step):
                # clamped, not fatal.
                append(pack(time_ns & _U64, value & _U64, subject & _U32, site_id & _U32, kind & 0xFF,
                            detail & 0xFF, aux & 0xFFFF, 0))

        return record

    def define(self, encoded_frame):
        """A site, label or listening frame: sent before the events recorded after it, never dropped."""
        self._definitions.append(encoded_frame)

    def pending_events(self):
        return len(self._records) // wire_writer.EVENT_RECORD.size

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

    def _take(self, queue, count):
        with self._lock:
            taken = queue[:count]
            del queue[:count]
        return taken

    def _flush(self):
        # Events first, definitions second: see the module's docstring.
        records = self._take(self._records, len(self._records))
        definitions = self._take(self._definitions, len(self._definitions))
        chunks = definitions
        record_bytes = wire_writer.EVENT_RECORD.size
        frame_bytes = wire_writer.MAX_EVENTS_PER_FRAME * record_bytes
        view = memoryview(records)
        for start in range(0, len(records), frame_bytes):
            body = view[start:start + frame_bytes]
            chunks.append(wire_writer.events_frame_head(len(body) // record_bytes))
            chunks.append(body)
        self.encoded += len(records) // record_bytes
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
