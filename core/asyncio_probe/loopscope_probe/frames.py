"""Which frames are the learner's, and what an `await` chain is waiting on.

A suspended task is a chain of coroutines: the handler awaits reader.readline(), which awaits
readuntil(), which awaits a future. The learner wants the innermost frame that is their own
code (the `await` line they wrote), and the kind of wait is named by the first asyncio
function below it (readline, drain, sleep, ...). Frames of the standard library and of the
probe itself are not the learner's.
"""

import asyncio
import os
import sysconfig

from . import schema

_PROBE_DIR = os.path.dirname(os.path.abspath(__file__))
_ASYNCIO_DIR = os.path.dirname(os.path.abspath(asyncio.__file__))
_LIBRARY_DIRS = tuple(sorted({os.path.normcase(os.path.abspath(path)) + os.sep for path in (
    _PROBE_DIR, _ASYNCIO_DIR, sysconfig.get_paths().get("stdlib", _ASYNCIO_DIR),
    sysconfig.get_paths().get("platstdlib", _ASYNCIO_DIR))}))

# The asyncio calls a learner awaits, by the function that implements them. wait_for is last
# because a more specific wait inside it (3.12 awaits the inner coroutine directly) says more.
_AWAIT_KINDS = {
    "readline": schema.AWAIT_READLINE,
    "readuntil": schema.AWAIT_READUNTIL,
    "read": schema.AWAIT_READ,
    "readexactly": schema.AWAIT_READEXACTLY,
    "drain": schema.AWAIT_DRAIN,
    "wait_closed": schema.AWAIT_WAIT_CLOSED,
    "sleep": schema.AWAIT_SLEEP,
    "to_thread": schema.AWAIT_OFFLOAD,
    "run_in_executor": schema.AWAIT_OFFLOAD,
    "wait_for": schema.AWAIT_WAIT_FOR,
}

_library_cache = {}


def is_library_file(filename):
    known = _library_cache.get(filename)
    if known is None:
        if filename.startswith("<"):
            known = filename.startswith("<frozen")
        else:
            known = os.path.normcase(os.path.abspath(filename)).startswith(_LIBRARY_DIRS)
        _library_cache[filename] = known
    return known


def await_chain(coro):
    """The frames of a suspended coroutine chain, outermost first."""
    frames = []
    awaited = coro
    for _ in range(64):  # a chain is a few deep; the bound guards against odd awaitables
        frame = getattr(awaited, "cr_frame", None)
        if frame is None:
            frame = getattr(awaited, "gi_frame", None)
            if frame is None:
                break
            frames.append(frame)
            awaited = getattr(awaited, "gi_yieldfrom", None)
        else:
            frames.append(frame)
            awaited = getattr(awaited, "cr_await", None)
        if awaited is None:
            break
    return frames


# A suspension at the learner's `await` of one of these asyncio calls is the same every time it
# happens at the same instruction: below it is that library call and nothing of the learner's,
# so the caller may cache what suspension_point found (see awaited_library_call and
# cacheable_kind). Waits that depend on more than that (wait_for's inner task, a bare future)
# are walked each time.
CACHEABLE_KINDS = frozenset({schema.AWAIT_READLINE, schema.AWAIT_READUNTIL, schema.AWAIT_READ,
                             schema.AWAIT_READEXACTLY, schema.AWAIT_DRAIN, schema.AWAIT_WAIT_CLOSED,
                             schema.AWAIT_SLEEP, schema.AWAIT_OFFLOAD})

# id(code object) -> (whether it is the library's, the code object). By id because hashing a
# code object hashes its whole contents (about 130 ns, several times per step); the entry
# keeps the code object alive, so its id cannot be reused by another while the entry exists.
_library_codes = {}


def awaited_library_call(coro):
    """(frame, key, library code) for a suspended task's coroutine `coro`: the frame of the last
    coroutine of the chain before the first one that is the library's (the learner's own
    `await`, when the chain has no learner code below it), (its code, the await instruction it
    is at, the library code it awaits) with the codes by id (the library code is kept alive
    here, the caller keeps the frame's code alongside what it caches under the key), and that
    library code. (None, None, None) when the chain has no library coroutine.

    Cheaper than suspension_point: no frame is listed and no file looked at, one attribute
    read per coroutine of the chain. Equal keys are equal suspensions when suspension_point
    found this frame and cacheable_kind(library code, kind) holds."""
    for _ in range(64):  # a chain is a few deep; the bound guards against odd awaitables
        awaited = coro.cr_await
        code = getattr(awaited, "cr_code", None)
        if code is None:
            return None, None, None
        known = _library_codes.get(id(code))
        if known is None:
            known = _library_codes[id(code)] = (is_library_file(code.co_filename), code)
        if known[0]:
            frame = coro.cr_frame
            return frame, (id(frame.f_code), frame.f_lasti, id(code)), code
        coro = awaited
    return None, None, None


def cacheable_kind(library_code, kind):
    """Whether a suspension of this kind, found below a learner's await of `library_code`, is
    the same at every await of it: the library call names the wait by itself (a readline, a
    drain, a sleep), rather than being a wrapper whose wait depends on its arguments
    (wait_for, the probe's own wait_for, a third-party helper)."""
    return kind in CACHEABLE_KINDS and _AWAIT_KINDS.get(library_code.co_name) == kind


def suspension_point(coro, yielded):
    """(frame of the learner's await, AwaitKind) for a task that just suspended.

    `yielded` is what the task's coroutine handed to the task (the future it waits on)."""
    return _walked_suspension_point(coro, yielded)


def _walked_suspension_point(coro, yielded):
    frames = await_chain(coro)
    if not frames:
        return None, schema.AWAIT_OTHER
    learner_index = 0
    for index in range(len(frames) - 1, -1, -1):
        if not is_library_file(frames[index].f_code.co_filename):
            learner_index = index
            break
    kind = None
    for frame in frames[learner_index + 1:]:
        found = _AWAIT_KINDS.get(frame.f_code.co_name)
        if found is None or not is_library_file(frame.f_code.co_filename):
            continue
        if kind is None or kind == schema.AWAIT_WAIT_FOR:
            kind = found
        if kind != schema.AWAIT_WAIT_FOR:
            break
    if kind == schema.AWAIT_WAIT_FOR:
        kind = _inner_wait_of(frames[learner_index + 1:]) or kind
    if kind is None:
        kind = schema.AWAIT_OTHER_TASK if isinstance(yielded, asyncio.Task) else schema.AWAIT_OTHER
        if learner_index == len(frames) - 1 and frames[learner_index].f_code.co_name in _AWAIT_KINDS:
            # A task whose own coroutine is an asyncio call (the inner task of 3.11's wait_for).
            kind = _AWAIT_KINDS[frames[learner_index].f_code.co_name]
    return frames[learner_index], kind


def _inner_wait_of(library_frames):
    """Python 3.11's wait_for runs what it waits on as a task of its own (kept in its local
    `fut`): wait_for(reader.readline(), 5) is a readline with a deadline."""
    for frame in library_frames:
        if frame.f_code.co_name != "wait_for":
            continue
        inner = frame.f_locals.get("fut")
        get_coro = getattr(inner, "get_coro", None)
        coro = get_coro() if get_coro is not None else None
        code = getattr(coro, "cr_code", None)
        if code is not None and code.co_name != "wait_for":
            return _AWAIT_KINDS.get(code.co_name)
    return None


def innermost_learner_frame(frame):
    """Walking out from a running thread's innermost frame: the first that is the learner's."""
    outermost = frame
    for _ in range(256):
        if frame is None:
            break
        if not is_library_file(frame.f_code.co_filename):
            return frame
        outermost = frame
        frame = frame.f_back
    return outermost


def function_name(frame):
    code = frame.f_code
    return getattr(code, "co_qualname", code.co_name)
