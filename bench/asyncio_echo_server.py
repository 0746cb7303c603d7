#!/usr/bin/env python3
"""The asyncio streams echo server the C++ one is compared with.

Written the way the asyncio teaching texts in ../shared/seeds/ write a server:
asyncio.start_server, a handler that loops on readline / write / drain, then close and
wait_closed. Standard library only. Prints "listening on HOST:PORT" once bound, then serves
until stdin closes or SIGTERM / SIGINT arrives, like the bench C++ server, so one driver can
run both. "stats" on stdin prints the open connection count and the pid.
"""

import argparse
import asyncio
import os
import resource
import signal
import sys


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upper: bool = False) -> None:
    try:
        while True:
            line = await reader.readline()  # suspends until a whole line is here
            if not line:                    # b"" means the client closed
                break
            writer.write(line.upper() if upper else line)  # staged in the transport; never blocks
            await writer.drain()            # waits only if the client reads too slowly
    except ConnectionError:
        pass                                # a vanished load generator is not an error here
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


def raise_fd_limit_to_hard() -> int:
    # Thousands of connections need thousands of descriptors; the soft limit is often 1024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


async def watch_stdin(stop: asyncio.Event, open_connections) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            stop.set()
            return
        if line.strip() == b"stats":
            print(f"stats open_connections={open_connections()} pid={os.getpid()}{probe_counts()}", flush=True)


def probe_counts() -> str:
    """Under Loopscope's probe (the asyncio-probed variant): the events it has recorded so far."""
    probe_module = sys.modules.get("loopscope_probe.probe")
    probe = probe_module.active() if probe_module is not None else None
    if probe is None:
        return ""
    buffer = probe.buffer
    return f" drained_events={buffer.encoded + buffer.pending_events()} dropped_events={buffer.dropped}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--handler", choices=("echo", "upper"), default="echo",
                        help="what each line gets back: itself, or upper-cased (the seeds' first server)")
    parser.add_argument("--ignore-stdin", action="store_true",
                        help="keep running when stdin closes (stop with SIGTERM)")
    arguments = parser.parse_args()
    fd_limit = raise_fd_limit_to_hard()

    open_writers = 0

    async def counted_handle(reader, writer):
        nonlocal open_writers
        open_writers += 1
        try:
            await handle(reader, writer, upper=arguments.handler == "upper")
        finally:
            open_writers -= 1

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)

    server = await asyncio.start_server(counted_handle, arguments.host, arguments.port)
    async with server:
        host, port = server.sockets[0].getsockname()[:2]
        print(f"listening on {host}:{port}", flush=True)
        print(f"asyncio echo server: python {sys.version.split()[0]}, fd limit {fd_limit}", file=sys.stderr)
        if not arguments.ignore_stdin:
            stdin_task = asyncio.create_task(watch_stdin(stop, lambda: open_writers))
        await stop.wait()
        if not arguments.ignore_stdin:
            stdin_task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
