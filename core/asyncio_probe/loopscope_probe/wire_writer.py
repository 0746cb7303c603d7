"""Encodes the wire stream of docs/wire-format.md (version 1).

Event records are packed where they are recorded (event_buffer.py); the writer thread frames
them. The loop thread and the watchdog call intern_site / intern_label, which hand out ids
under a lock so that ids follow the order in which their definitions enter the event buffer
(a definition always precedes its first use).
"""

import struct
import threading

MAGIC = b"LSWIRE\0\0"
VERSION = 1
EVENT_RECORD = struct.Struct("<QQIIBBHI")  # time_ns, value, subject, site, kind, detail, aux, zero
assert EVENT_RECORD.size == 32

FRAME_HELLO = 1
FRAME_SITE = 2
FRAME_LABEL = 3
FRAME_EVENTS = 4
FRAME_DROPPED = 5
FRAME_LISTENING = 6
FRAME_END = 7

MAX_STRING_BYTES = 64 * 1024
MAX_LABELS = 65535
# Events per frame: 32 bytes each keeps a frame far below the 1 MiB the reader accepts.
MAX_EVENTS_PER_FRAME = 16 * 1024

_FRAME_HEAD = struct.Struct("<B3xI")


def _string(text):
    data = text.encode("utf-8", "replace")[:MAX_STRING_BYTES]
    return struct.pack("<I", len(data)) + data


def frame(frame_type, payload):
    return _FRAME_HEAD.pack(frame_type, len(payload)) + payload


def header():
    return MAGIC + struct.pack("<II", VERSION, EVENT_RECORD.size)


def hello(pid, runtime, program):
    return frame(FRAME_HELLO, struct.pack("<I", pid) + _string(runtime) + _string(program))


def site(site_id, file, function, line):
    return frame(FRAME_SITE, struct.pack("<I", site_id) + _string(file) + _string(function) + struct.pack("<I", line))


def label(label_id, text):
    return frame(FRAME_LABEL, struct.pack("<I", label_id) + _string(text))


def events_frame_head(count):
    """The frame head and record count in front of `count` packed EVENT_RECORDs."""
    return _FRAME_HEAD.pack(FRAME_EVENTS, 4 + count * EVENT_RECORD.size) + struct.pack("<I", count)


def dropped(total):
    return frame(FRAME_DROPPED, struct.pack("<Q", total))


def listening(ipv4, port):
    return frame(FRAME_LISTENING, struct.pack("<IHH", ipv4, port, 0))


def end(exit_status):
    return frame(FRAME_END, struct.pack("<i", exit_status))


class Names:
    """Site and label ids, handed out densely from 1. `define` receives each new definition
    (as an encoded frame) while the lock is held, so definitions queue in id order."""

    def __init__(self, define):
        self._define = define
        self._lock = threading.Lock()
        self._sites = {}
        self._labels = {}

    def intern_site(self, file, function, line):
        key = (file, function, line)
        site_id = self._sites.get(key)
        if site_id is not None:
            return site_id
        with self._lock:
            site_id = self._sites.get(key)
            if site_id is None:
                site_id = len(self._sites) + 1
                self._define(site(site_id, file, function, line))
                self._sites[key] = site_id
            return site_id

    def intern_label(self, text):
        label_id = self._labels.get(text)
        if label_id is not None:
            return label_id
        with self._lock:
            label_id = self._labels.get(text)
            if label_id is None:
                if len(self._labels) >= MAX_LABELS:
                    return 0
                label_id = len(self._labels) + 1
                self._define(label(label_id, text))
                self._labels[text] = label_id
            return label_id
