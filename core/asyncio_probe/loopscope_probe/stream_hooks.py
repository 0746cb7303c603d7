"""Connections, buffers and drain stalls, from asyncio's streams and selector transports.

Per connection it records what the C++ server records: accepted and closed with the peer,
the writer's buffer (transport.get_write_buffer_size()) against its high- and low-water
marks, the reader's buffer against its limit, the kernel's queues (SIOCOUTQ / SIOCINQ) while
there is backpressure, and drain() stalls with their start and end levels. A lesson's
settings (port, line limit, water marks, socket buffers) are applied here too.
"""

import array
import asyncio
import fcntl
import functools
import inspect
import socket
import sys
import termios

from asyncio import base_events, exceptions, selector_events, streams

from . import frames
from . import schema

# SIOCOUTQ and SIOCINQ are TIOCOUTQ and FIONREAD on Linux.
_SIOCOUTQ = getattr(termios, "TIOCOUTQ", 0x5411)
_SIOCINQ = getattr(termios, "FIONREAD", 0x541B)
KERNEL_SAMPLE_INTERVAL_NS = 2_000_000


class Connection:
    """One accepted connection, as the probe follows it."""

    __slots__ = ("id", "probe", "transport", "protocol", "reader", "fd", "levels", "last_kernel_sample_ns",
                 "closed", "peer_eof", "handler_returned")

    def __init__(self, connection_id, probe, transport, protocol):
        self.id = connection_id
        self.probe = probe
        self.transport = transport
        self.protocol = protocol
        self.reader = None
        sock = transport.get_extra_info("socket")
        self.fd = sock.fileno() if sock is not None else -1
        self.levels = [0, 0, 0, 0]  # as last recorded, by BufferKind
        self.last_kernel_sample_ns = 0
        self.closed = False
        self.peer_eof = False  # the peer sent its FIN (not: the connection was lost)
        self.handler_returned = False  # its handler's task ended by itself (not cancelled)

    def release(self):
        """Once closed: lets go of asyncio's objects. A task's TracedTask keeps its connection,
        and through the protocol (its _task) this would keep the task alive (task_tracing.py)."""
        self.transport = None
        self.protocol = None
        self.reader = None

    def writer_level(self):
        try:
            return self.transport.get_write_buffer_size()
        except Exception:  # a transport of another kind, or one torn down
            return 0

    def reader_level(self):
        buffer = getattr(self.reader, "_buffer", None)
        return len(buffer) if buffer is not None else 0

    def peer_sent_eof(self):
        return self.peer_eof

    def under_backpressure(self):
        return self.levels[schema.BUFFER_WRITER] > 0 or self.levels[schema.BUFFER_KERNEL_SEND] > 0 or \
            self.levels[schema.BUFFER_KERNEL_RECEIVE] > 0

    def record_level(self, kind, level, time_ns=None):
        if self.levels[kind] != level:
            self.levels[kind] = level
            self.probe.record(schema.BUFFER_LEVEL, self.id, 0, kind, 0, level, time_ns)

    def sample_levels(self, kernel=False, time_ns=None):
        # After every step of its task: written out rather than through record_level and
        # reader_level / writer_level, which would be five more calls for each line served.
        if self.closed:
            return
        levels = self.levels
        reader = self.reader
        level = len(reader._buffer) if reader is not None else 0
        if levels[0] != level:  # schema.BUFFER_READER
            levels[0] = level
            self.probe.record(schema.BUFFER_LEVEL, self.id, 0, schema.BUFFER_READER, 0, level, time_ns)
        try:
            level = self.transport.get_write_buffer_size()
        except Exception:  # as writer_level()
            level = 0
        if levels[1] != level:  # schema.BUFFER_WRITER
            levels[1] = level
            self.probe.record(schema.BUFFER_LEVEL, self.id, 0, schema.BUFFER_WRITER, 0, level, time_ns)
        if kernel or level > 0:
            self.sample_kernel_queues()

    def sample_kernel_queues(self, force=False):
        if self.fd < 0 or self.closed:
            return
        now_ns = self.probe.clock()
        if not force and now_ns - self.last_kernel_sample_ns < KERNEL_SAMPLE_INTERVAL_NS:
            return
        self.last_kernel_sample_ns = now_ns
        queued = array.array("i", [0])
        try:
            fcntl.ioctl(self.fd, _SIOCOUTQ, queued, True)
            self.record_level(schema.BUFFER_KERNEL_SEND, queued[0], now_ns)
            fcntl.ioctl(self.fd, _SIOCINQ, queued, True)
            self.record_level(schema.BUFFER_KERNEL_RECEIVE, queued[0], now_ns)
        except OSError:
            pass


def _ipv4_and_port(address):
    if isinstance(address, tuple) and len(address) >= 2:
        try:
            return int.from_bytes(socket.inet_aton(address[0]), "big"), int(address[1]) & 0xFFFF
        except OSError:
            return 0, int(address[1]) & 0xFFFF
    return 0, 0


def _close_reason(error):
    if error is None:
        return schema.CLOSE_CLOSED
    if isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return schema.CLOSE_PEER_RESET
    return schema.CLOSE_ERROR


def _caller_site(probe):
    # Two frames up: the wrapper's caller's coroutine frame is the code that awaited it.
    return probe.site_of_frame(sys._getframe(2))


def install(probe, settings):
    """Patches asyncio's stream classes for `probe`. Safe to call once per process."""
    protocol_class = streams.StreamReaderProtocol
    reader_class = streams.StreamReader
    writer_class = streams.StreamWriter
    flow_class = streams.FlowControlMixin

    original_connection_made = protocol_class.connection_made
    original_connection_lost = protocol_class.connection_lost

    @functools.wraps(original_connection_made)
    def connection_made(self, transport):
        if getattr(self, "_client_connected_cb", None) is None:  # a client's stream, not a server's
            return original_connection_made(self, transport)
        connection = probe.open_connection(transport, self, settings)
        probe.pending_connection = connection
        try:
            original_connection_made(self, transport)
        finally:
            probe.pending_connection = None
        connection.reader = getattr(self, "_stream_reader", None)
        if connection.reader is not None:
            connection.reader._loopscope_connection = connection
        connection.sample_levels(kernel=True)

    @functools.wraps(original_connection_lost)
    def connection_lost(self, error):
        connection = getattr(self, "_loopscope_connection", None)
        try:
            return original_connection_lost(self, error)
        finally:
            if connection is not None:
                probe.close_connection(connection, _close_reason(error))

    original_eof_received = protocol_class.eof_received

    @functools.wraps(original_eof_received)
    def eof_received(self):
        connection = getattr(self, "_loopscope_connection", None)
        if connection is not None:
            connection.peer_eof = True
        return original_eof_received(self)

    protocol_class.eof_received = eof_received
    protocol_class.connection_made = connection_made
    protocol_class.connection_lost = connection_lost

    original_feed_data = reader_class.feed_data
    clock = probe.clock
    bytes_received = schema.BYTES_RECEIVED
    buffer_level = schema.BUFFER_LEVEL

    @functools.wraps(original_feed_data)
    def feed_data(self, data):
        original_feed_data(self, data)
        connection = getattr(self, "_loopscope_connection", None)
        if connection is not None:
            # Written out (one clock read for both events, the level compared here): this runs
            # for every read of every connection.
            record = probe.record
            now_ns = clock()
            record(bytes_received, connection.id, 0, 0, 0, len(data), now_ns)
            levels = connection.levels
            level = len(self._buffer)
            if levels[0] != level:  # schema.BUFFER_READER
                levels[0] = level
                record(buffer_level, connection.id, 0, schema.BUFFER_READER, 0, level, now_ns)
            # The kernel's queues matter under backpressure (reading paused at twice the limit,
            # or bytes waiting to go out); sampling them on every read would cost two system
            # calls per line, more than the rest of the probe together.
            if self._paused or levels[1] or levels[2] or levels[3]:  # Connection.under_backpressure()
                connection.sample_kernel_queues()

    reader_class.feed_data = feed_data

    _install_read_error_hooks(probe, reader_class)

    original_write = writer_class.write
    bytes_sent = schema.BYTES_SENT

    @functools.wraps(original_write)
    def write(self, data):
        connection = getattr(self._protocol, "_loopscope_connection", None)
        if connection is None:
            return original_write(self, data)
        buffered = self._transport.get_write_buffer_size
        before = buffered()
        original_write(self, data)
        after = buffered()
        sent = before + len(data) - after
        if sent > 0:
            probe.record(bytes_sent, connection.id, 0, 0, 0, sent)
        levels = connection.levels
        if levels[1] != after:  # schema.BUFFER_WRITER
            connection.record_level(schema.BUFFER_WRITER, after)
        if after > 0 or levels[2] or levels[3]:  # under backpressure: see feed_data
            connection.sample_kernel_queues()

    writer_class.write = write

    original_drain = writer_class.drain

    # Not a coroutine itself: `await writer.drain()` awaits what this returns, asyncio's own
    # drain() when writing is not paused (nearly always; a wrapper coroutine there would cost
    # a coroutine per line), and stalled_drain() around it when it is.
    @functools.wraps(original_drain)
    def drain(self):
        connection = getattr(self._protocol, "_loopscope_connection", None)
        if connection is None or not getattr(self._protocol, "_paused", False):
            return original_drain(self)
        return stalled_drain(self, connection, probe.site_of_frame(sys._getframe(1)))

    async def stalled_drain(writer, connection, site_id):
        probe.record(schema.DRAIN_STALL_BEGIN, connection.id, site_id, 0, 0, connection.writer_level())
        try:
            return await original_drain(writer)
        finally:
            connection.sample_levels(kernel=True)
            probe.record(schema.DRAIN_STALL_END, connection.id, site_id, 0, 0, connection.writer_level())

    _mark_coroutine_function(drain)
    writer_class.drain = drain

    original_wait_closed = writer_class.wait_closed

    @functools.wraps(original_wait_closed)
    async def wait_closed(self):
        connection = getattr(self._protocol, "_loopscope_connection", None)
        if connection is not None and connection.closed:
            # It returns at once, so the task never suspends; without this a task that called
            # wait_closed() and one that never did would look the same.
            probe.record(schema.AWAIT_READY, probe.current_task, _caller_site(probe), schema.AWAIT_WAIT_CLOSED)
        return await original_wait_closed(self)

    writer_class.wait_closed = wait_closed

    for name in ("pause_writing", "resume_writing"):
        original = getattr(flow_class, name)

        def crossing(self, _original=original):
            _original(self)
            connection = getattr(self, "_loopscope_connection", None)
            if connection is not None:
                connection.sample_levels(kernel=True)

        setattr(flow_class, name, functools.wraps(original)(crossing))

    # The transport's own flush when the socket becomes writable (3.11: _write_ready; later
    # versions split it into _write_send / _write_sendmsg).
    transport_class = selector_events._SelectorSocketTransport
    for name in ("_write_ready", "_write_send", "_write_sendmsg"):
        original = transport_class.__dict__.get(name)
        if not callable(original):
            continue

        def flushed(self, _original=original):
            connection = getattr(self._protocol, "_loopscope_connection", None)
            if connection is None:
                return _original(self)
            before = connection.writer_level()
            result = _original(self)
            after = connection.writer_level()
            if before > after:
                probe.record(schema.BYTES_SENT, connection.id, 0, 0, 0, before - after)
            connection.record_level(schema.BUFFER_WRITER, after)
            connection.sample_kernel_queues()
            return result

        setattr(transport_class, name, functools.wraps(original)(flushed))

    _install_server_overrides(probe, settings)


def _install_read_error_hooks(probe, reader_class):
    """An over-long line (readline's ValueError) and a short readexactly, as stream errors.

    Seen where asyncio makes the exception, not by wrapping readline in a coroutine of ours:
    readline runs for every line, and a wrapper would add a coroutine and a frame to each.
    readline turns the LimitOverrunError its readuntil raises into the ValueError the learner
    gets, readexactly raises IncompleteReadError itself; both exceptions are plain Python
    classes, so their __init__ sees the frames that raise them."""
    readline_code = reader_class.readline.__code__
    readuntil_code = reader_class.readuntil.__code__
    readexactly_code = reader_class.readexactly.__code__

    def site_of_awaiting(frame):
        learner = _awaiting_learner_frame(frame.f_back)
        return probe.site_of_frame(learner) if learner is not None else 0

    def connection_of(frame):
        reader = frame.f_locals.get("self")
        return getattr(reader, "_loopscope_connection", None), reader

    def limit_overrun(error, raising):
        caller = raising.f_back
        if raising.f_code is not readuntil_code or caller is None or caller.f_code is not readline_code:
            return  # the learner's own readuntil: they get this exception, not a refused line
        connection, reader = connection_of(raising)
        if connection is not None:
            # asyncio is about to throw the over-long line away; what was buffered is gone.
            probe.record(schema.STREAM_ERROR, connection.id, site_of_awaiting(caller),
                         schema.STREAM_LINE_TOO_LONG, 0, reader._limit)

    def incomplete_read(error, raising):
        if raising.f_code is not readexactly_code:
            return  # readuntil's, which readline turns into the last partial line
        connection, _ = connection_of(raising)
        if connection is not None:
            probe.record(schema.STREAM_ERROR, connection.id, site_of_awaiting(raising),
                         schema.STREAM_INCOMPLETE_READ, 0, len(error.partial))

    _when_created(exceptions.LimitOverrunError, limit_overrun)
    _when_created(exceptions.IncompleteReadError, incomplete_read)


def _mark_coroutine_function(function):
    """`function` returns a coroutine without being one: say so, as asyncio's own drain is one,
    to inspect.iscoroutinefunction (3.12+) and asyncio.iscoroutinefunction (3.11)."""
    mark = getattr(inspect, "markcoroutinefunction", None)
    if mark is not None:
        mark(function)
    else:
        function._is_coroutine = getattr(asyncio.coroutines, "_is_coroutine", None)


def _awaiting_learner_frame(frame):
    """The learner's frame awaiting `frame`'s coroutine, through library coroutines only
    (3.12's wait_for awaits a readline directly); None when the chain leaves coroutines first
    (3.11's wait_for runs the readline as a task of its own, driven by the loop)."""
    for _ in range(16):
        if frame is None or not frame.f_code.co_flags & inspect.CO_COROUTINE:
            return None
        if not frames.is_library_file(frame.f_code.co_filename):
            return frame
        frame = frame.f_back
    return None


def _when_created(exception_class, seen):
    """Calls seen(exception, the frame that creates it) after each exception_class(...)."""
    original_init = exception_class.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        try:
            seen(self, sys._getframe(1))
        except Exception:  # the probe must never change what the program raises
            pass

    exception_class.__init__ = init


def _install_server_overrides(probe, settings):
    original_start_server = streams.start_server

    @functools.wraps(original_start_server)
    async def start_server(client_connected_cb, host=None, port=None, **options):
        if settings.line_limit_bytes is not None:
            options["limit"] = settings.line_limit_bytes
        return await original_start_server(client_connected_cb, host, port, **options)

    streams.start_server = start_server
    asyncio.start_server = start_server

    original_create_server = base_events.BaseEventLoop.create_server

    @functools.wraps(original_create_server)
    async def create_server(self, protocol_factory, host=None, port=None, *args, **options):
        if settings.host is not None:
            host = settings.host
        if settings.port is not None:
            port = settings.port
        server = await original_create_server(self, protocol_factory, host, port, *args, **options)
        for sock in server.sockets:
            if sock.family == socket.AF_INET:
                ipv4, bound_port = _ipv4_and_port(sock.getsockname())
                probe.server_listening(ipv4, bound_port)
        return server

    base_events.BaseEventLoop.create_server = create_server
