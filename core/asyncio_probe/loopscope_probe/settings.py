"""The probe's options: where the wire stream goes, and the server settings a lesson imposes."""

import argparse
import dataclasses


@dataclasses.dataclass
class ProbeSettings:
    wire_fd: int
    script: str
    script_args: list
    host: str = None              # override of the host the program binds
    port: int = None              # override of its port (0: the kernel picks; the app learns it)
    line_limit_bytes: int = None  # start_server(limit=...)
    high_water_bytes: int = None  # transport.set_write_buffer_limits(high, low)
    low_water_bytes: int = None
    send_buffer_bytes: int = None     # SO_SNDBUF of accepted sockets
    receive_buffer_bytes: int = None  # SO_RCVBUF of accepted sockets
    freeze_threshold_ms: float = 50.0
    buffer_capacity_events: int = 1 << 17


def _positive(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def _port(text):
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535, got {text}")
    return value


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python3 -m loopscope_probe",
        description="Run an asyncio program unmodified and stream what its loop does to Loopscope.")
    parser.add_argument("--wire-fd", type=int, required=True, help="file descriptor the wire stream is written to")
    parser.add_argument("--host", help="bind this host instead of the program's")
    parser.add_argument("--port", type=_port, help="bind this port instead of the program's (0: any free one)")
    parser.add_argument("--line-limit", type=_positive, dest="line_limit_bytes", help="start_server(limit=...) in bytes")
    parser.add_argument("--high-water", type=_positive, dest="high_water_bytes", help="writer high-water mark, bytes")
    parser.add_argument("--low-water", type=int, dest="low_water_bytes", help="writer low-water mark, bytes")
    parser.add_argument("--send-buffer", type=_positive, dest="send_buffer_bytes", help="SO_SNDBUF of accepted sockets")
    parser.add_argument("--receive-buffer", type=_positive, dest="receive_buffer_bytes",
                        help="SO_RCVBUF of accepted sockets")
    parser.add_argument("--freeze-threshold-ms", type=float, default=50.0,
                        help="a callback running longer than this is a freeze (default 50, as Loopscope's loop)")
    parser.add_argument("--buffer-capacity", type=_positive, dest="buffer_capacity_events", default=1 << 17,
                        help="events buffered for the writer thread before new ones are dropped and counted")
    parser.add_argument("script", help="the asyncio program to run")
    parser.add_argument("script_args", nargs=argparse.REMAINDER, help="its arguments")
    options = parser.parse_args(argv)
    if options.low_water_bytes is not None and options.low_water_bytes < 0:
        parser.error("--low-water must be 0 or more")
    if options.high_water_bytes is not None and options.low_water_bytes is not None and \
            options.low_water_bytes > options.high_water_bytes:
        parser.error("--low-water must not exceed --high-water")
    return ProbeSettings(**vars(options))
