"""The asyncio side of `loopscope lesson NAME --server asyncio`: serves a lesson with the handlers'
asyncio twins (assets/asyncio/NAME.py), run under the probe, the way Loopscope's own server runs
the C++ handlers.

The twins are imported unchanged, so the sites in the trace are their own lines. The lesson's
settings replace the twins' constants (reply size, blocking delay, parse time, timeout), and the
app steers the server as a lesson does through commands on stdin, one per line, each run on the
loop between callbacks, as Loopscope's server runs a posted command:

    handler NAME        connections accepted from now on are served by NAME's twin
    limits HIGH LOW     new water marks, for open connections too
    buffers SEND RECV   SO_SNDBUF / SO_RCVBUF of later connections, in bytes, or "default"
    block MS            a blocking time.sleep on the loop: the injected freeze

What later connections get (the handler, the marks, the buffers) is set at once, on the
command thread, and acknowledged with a line "ok" on the --ack-fd pipe: the app waits for it
before it starts the clients that must meet the new handler, so no connection can slip in
first. What touches open connections runs on the loop. `block` is not acknowledged.

When stdin closes, the server closes and the program ends (exit status 0).

Standard library only. The probe (core/asyncio_probe) must be importable.
"""

import argparse
import asyncio
import concurrent.futures
import importlib.util
import os
import sys
import threading
import time

import loopscope_probe.probe

WORKER_THREADS = 2  # as Loopscope's worker pool (and offload_parse.py)


def load_twin(folder, handler, settings):
    path = os.path.join(folder, handler + ".py")
    if not os.path.isfile(path):
        raise SystemExit(f"lesson_server: no asyncio twin for handler '{handler}' ({path} is missing)")
    spec = importlib.util.spec_from_file_location(handler, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The lesson's settings, where the twin has the constant that C++ takes from them.
    overrides = {
        "REPLY_BYTES": settings.reply_bytes,
        "BLOCKING_DELAY_S": settings.blocking_ms / 1000.0,
        "PARSE_CPU_TIME_S": settings.parse_ms / 1000.0,
        "READ_TIMEOUT_S": settings.timeout_ms / 1000.0,
    }
    for name, value in overrides.items():
        if hasattr(module, name):
            setattr(module, name, value)
    return module


class LessonServer:
    def __init__(self, settings):
        self.settings = settings
        self.twins = {}
        self.current_name = settings.handler
        self.current = self.twin(settings.handler)

    def twin(self, handler):
        module = self.twins.get(handler)
        if module is None:
            module = load_twin(self.settings.assets, handler, self.settings)
            self.twins[handler] = module
        return module

    def client_connected(self, reader, writer):
        # Returning the twin's coroutine makes it the connection's task, as start_server does
        # with the twin's own handle(): the task runs the twin's code and nothing of ours.
        coroutine = self.current.handle(reader, writer)
        # The task is named after its handler, as Loopscope's server names its tasks; the
        # sites keep the twin's own function names (they come from its code objects).
        coroutine.__qualname__ = self.current_name
        return coroutine

    def set_now(self, words, loop):
        """The command thread: what later connections get. True when acknowledged."""
        probe = loopscope_probe.probe.active()
        if words[0] == "handler" and len(words) == 2:
            module = self.twin(words[1])
            self.current, self.current_name = module, words[1]  # one assignment each: atomic
        elif words[0] == "limits" and len(words) == 3 and probe is not None:
            high, low = int(words[1]), int(words[2])
            probe.settings.high_water_bytes, probe.settings.low_water_bytes = high, low
            loop.call_soon_threadsafe(probe.set_write_buffer_limits, high, low)  # open connections
        elif words[0] == "buffers" and len(words) == 3 and probe is not None:
            probe.set_socket_buffers(*[None if word == "default" else int(word) for word in words[1:]])
        elif words[0] == "block" and len(words) == 2:
            # The point: the loop is stuck meanwhile, like a blocking call of a handler's.
            loop.call_soon_threadsafe(time.sleep, int(words[1]) / 1000.0)
            return False
        else:
            print(f"lesson_server: unknown command {' '.join(words)!r}", file=sys.stderr)
        return True

    def read_commands(self, loop, stop):
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            try:
                acknowledged = self.set_now(words, loop)
            except RuntimeError:  # the loop has closed
                return
            if acknowledged and self.settings.ack_fd is not None:
                try:
                    os.write(self.settings.ack_fd, b"ok\n")
                except OSError:
                    pass
        # The app closed the pipe: the lesson is over, and the server stops as a program would
        # that was asked to (no task is cancelled that a lesson's checks would count).
        try:
            loop.call_soon_threadsafe(stop.set)
        except RuntimeError:
            pass

    async def serve(self):
        loop = asyncio.get_running_loop()
        loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=WORKER_THREADS))
        # The probe moves host and port to what the app asked for, and sets the line limit.
        server = await asyncio.start_server(self.client_connected, self.settings.host, self.settings.port)
        stop = asyncio.Event()
        threading.Thread(target=self.read_commands, args=(loop, stop), name="lesson-commands", daemon=True).start()
        await stop.wait()
        server.close()
        await server.wait_closed()


def parse(argv):
    parser = argparse.ArgumentParser(prog="lesson_server.py")
    parser.add_argument("--assets", required=True, help="the folder of the asyncio twins")
    parser.add_argument("--handler", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--reply-bytes", type=int, default=64 * 1024)
    parser.add_argument("--blocking-ms", type=int, default=500)
    parser.add_argument("--parse-ms", type=int, default=300)
    parser.add_argument("--timeout-ms", type=int, default=2000)
    parser.add_argument("--ack-fd", type=int, help="where each applied command is acknowledged with a line 'ok'")
    return parser.parse_args(argv)


if __name__ == "__main__":
    if loopscope_probe.probe.active() is not None:
        # The harness's own task is not part of the lesson: only the twins' tasks get lanes.
        loopscope_probe.probe.active().ignore_coroutine_function(LessonServer.serve)
    try:
        asyncio.run(LessonServer(parse(sys.argv[1:])).serve())
    except KeyboardInterrupt:
        pass
