"""The probe: its state, shared by the hooks, and its installation into the program.

It attaches to every event loop the default policy makes (asyncio.run makes one), so the
learner's program needs no change: the loop gets the traced task factory and the heartbeat,
and the loop thread is what the freeze watchdog watches.
"""

import asyncio
import os
import platform
import socket
import sys
import threading
import time
import traceback

from . import blocking_calls
from . import event_buffer
from . import freeze_watchdog
from . import frames
from . import loop_hooks
from . import schema
from . import stream_hooks
from . import task_tracing
from . import timeouts
from . import wire_writer

# Ids of tasks that serve no connection, numbered apart so they never meet a connection's.
FIRST_OTHER_TASK_ID = 1_000_001

_active = None  # the probe installed in this process, for code run under it (active())


def active():
    """The probe installed in this process, or None when the program runs without one."""
    return _active


class Probe:
    def __init__(self, settings):
        self.settings = settings
        self.clock = time.monotonic_ns  # CLOCK_MONOTONIC: the app maps it onto its trace clock
        self.buffer = event_buffer.EventBuffer(settings.wire_fd, settings.buffer_capacity_events)
        # record(kind, subject, site_id=0, detail=0, aux=0, value=0, time_ns=None): any thread,
        # never blocks (a full buffer drops and counts).
        self.record = self.buffer.make_recorder(self.clock)
        self.names = wire_writer.Names(self.buffer.define)
        self.freeze_threshold_ns = int(settings.freeze_threshold_ms * 1e6)
        self.watchdog = freeze_watchdog.FreezeWatchdog(self)
        self.current_task = 0        # the task whose code the loop runs (0: none)
        self.current_traced = None   # its TracedTask
        self.traced_tasks = {}       # id(asyncio task) -> TracedTask, the learner's tasks not yet done
        self.hook_failures = 0       # the probe's own errors, survived (see hook_failed)
        self.step_began, self.step_ended = task_tracing.make_step_tracer(self)  # for loop_hooks
        # Coroutines whose tasks are not the program's subject (Loopscope's own lesson server):
        # not traced, so they add no lane. See ignore_coroutine_function().
        self.untraced_code = set()
        self.running_since_ns = 0    # when the running callback started (0: the loop is idle)
        self.pending_connection = None
        self.connections = {}
        self.failures = 0
        self._next_connection_id = 1
        self._next_task_id = FIRST_OTHER_TASK_ID
        self._site_ids = {}  # (code object, line) -> site id


    def site_of(self, frame, line):
        # Once per (code, line): a suspension is named at every step of every task.
        code = frame.f_code
        key = (code, line)
        site_id = self._site_ids.get(key)
        if site_id is None:
            file = code.co_filename if code.co_filename.startswith("<") else os.path.abspath(code.co_filename)
            site_id = self.names.intern_site(file, frames.function_name(frame), line or 0)
            self._site_ids[key] = site_id
        return site_id

    def site_of_frame(self, frame):
        return self.site_of(frame, frame.f_lineno)

    def label_id(self, text):
        return self.names.intern_label(text)

    def next_task_id(self):
        task_id = self._next_task_id
        self._next_task_id += 1
        return task_id

    # Connections (the loop thread).
    def open_connection(self, transport, protocol, settings):
        connection = stream_hooks.Connection(self._next_connection_id, self, transport, protocol)
        self._next_connection_id += 1
        protocol._loopscope_connection = connection
        sock = transport.get_extra_info("socket")
        if sock is not None:
            if settings.send_buffer_bytes is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, settings.send_buffer_bytes)
            if settings.receive_buffer_bytes is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, settings.receive_buffer_bytes)
        if settings.high_water_bytes is not None or settings.low_water_bytes is not None:
            high = settings.high_water_bytes
            low = settings.low_water_bytes
            if high is None:
                high = max(low * 4, low)
            transport.set_write_buffer_limits(high=high, low=low)
        self.connections[connection.id] = connection
        ipv4, port = stream_hooks._ipv4_and_port(transport.get_extra_info("peername"))
        self.record(schema.CONNECTION_ACCEPTED, connection.id, 0, 0, port, ipv4)
        low, high = transport.get_write_buffer_limits()
        self.record(schema.BUFFER_LIMIT, connection.id, 0, schema.BUFFER_WRITER, schema.LIMIT_HIGH_WATER, high)
        self.record(schema.BUFFER_LIMIT, connection.id, 0, schema.BUFFER_WRITER, schema.LIMIT_LOW_WATER, low)
        reader = getattr(protocol, "_stream_reader", None)
        limit = getattr(reader, "_limit", None)
        if limit is not None:
            self.record(schema.BUFFER_LIMIT, connection.id, 0, schema.BUFFER_READER, schema.LIMIT_LINE, limit)
        if sock is not None:
            self.record(schema.BUFFER_LIMIT, connection.id, 0, schema.BUFFER_KERNEL_SEND, schema.LIMIT_SOCKET_BUFFER,
                        sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
            self.record(schema.BUFFER_LIMIT, connection.id, 0, schema.BUFFER_KERNEL_RECEIVE,
                        schema.LIMIT_SOCKET_BUFFER, sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
        return connection

    def hook_failed(self):
        """Inside an `except Exception:` around the probe's own work on a step: the program goes
        on as it would without the probe, the step goes unrecorded, and the first such error is
        printed (with its traceback) so that it can be reported."""
        self.hook_failures += 1
        if self.hook_failures == 1:
            print("loopscope_probe: an error in the probe itself (the program goes on; this step is not "
                  "recorded; please report it):", file=sys.stderr)
            traceback.print_exc()

    def ignore_coroutine_function(self, function):
        """Tasks running `function` are not traced (the harness around a program, not the program)."""
        self.untraced_code.add(function.__code__)

    def set_write_buffer_limits(self, high, low):
        """New water marks for open connections and later ones (the loop thread), as Loopscope's
        server applies a change of limits; each open connection records its new limits."""
        self.settings.high_water_bytes = high
        self.settings.low_water_bytes = low
        for connection in list(self.connections.values()):
            if connection.closed:
                continue
            connection.transport.set_write_buffer_limits(high=high, low=low)
            low_now, high_now = connection.transport.get_write_buffer_limits()
            self.record(schema.BUFFER_LIMIT, connection.id, 0, schema.BUFFER_WRITER, schema.LIMIT_HIGH_WATER, high_now)
            self.record(schema.BUFFER_LIMIT, connection.id, 0, schema.BUFFER_WRITER, schema.LIMIT_LOW_WATER, low_now)

    def set_socket_buffers(self, send_bytes, receive_bytes):
        """SO_SNDBUF / SO_RCVBUF for connections accepted from now on (None: the kernel's)."""
        self.settings.send_buffer_bytes = send_bytes
        self.settings.receive_buffer_bytes = receive_bytes

    def take_pending_connection(self):
        connection = self.pending_connection
        self.pending_connection = None
        return connection

    def close_connection(self, connection, reason):
        if connection.closed:
            return
        for kind in range(4):
            connection.record_level(kind, 0)
        connection.closed = True
        self.connections.pop(connection.id, None)
        ipv4, port = stream_hooks._ipv4_and_port(connection.transport.get_extra_info("peername"))
        self.record(schema.CONNECTION_CLOSED, connection.id, 0, reason, port, ipv4)
        connection.release()

    def server_listening(self, ipv4, port):
        self.buffer.define(wire_writer.listening(ipv4, port))

    # Life cycle.
    def start(self):
        global _active
        _active = self
        runtime = f"{platform.python_implementation()} {platform.python_version()}"
        self.buffer.start(wire_writer.header() +
                          wire_writer.hello(os.getpid(), runtime, os.path.abspath(self.settings.script)))
        stream_hooks.install(self, self.settings)
        loop_hooks.install(self)
        blocking_calls.install(self)
        timeouts.install(self)
        _install_loop_attachment(self)
        self.watchdog.start()

    def attach(self, loop):
        loop.set_task_factory(task_tracing.make_task_factory(self, loop.get_task_factory()))
        loop_hooks.start_heartbeat(self, loop)
        # The loop thread is whoever creates the loop: asyncio.run creates and runs it.
        self.watchdog.loop_thread_id = threading.get_ident()

    def finish(self, exit_status):
        self.watchdog.stop()
        # The process is ending, so the kernel closes whatever is still open. A connection whose
        # handler returned without writer.close() was leaked until now (as Loopscope's server
        # says at shutdown); one whose handler was still running when the program was stopped
        # is cut off.
        for connection in list(self.connections.values()):
            self.close_connection(connection, schema.CLOSE_LEAKED if connection.handler_returned else schema.CLOSE_ABORTED)
        self.buffer.close(wire_writer.end(exit_status))


def _install_loop_attachment(probe):
    policy = asyncio.get_event_loop_policy()
    original_new_event_loop = policy.new_event_loop

    def new_event_loop():
        loop = original_new_event_loop()
        probe.attach(loop)
        return loop

    policy.new_event_loop = new_event_loop
