"""offload_parse: the same CPU work as cpu_parse, handed to a worker thread.

await asyncio.to_thread() suspends only this task; the loop goes on serving everyone else
while a worker does the parsing, and resumes the task with the result. Loopscope's server
has two worker threads, so this module gives asyncio's default executor two as well: a
third client at once waits for a free worker, not for the loop.

A CPython caveat the C++ version does not have: a pure-Python loop holds the GIL, which the
worker hands back to the loop thread only every few milliseconds (sys.getswitchinterval()).
Other clients are still served, just less briskly. For heavy parsing in real code, use a
ProcessPoolExecutor with loop.run_in_executor(), or a library that releases the GIL.
Mirrors offload_parse() in core/handlers/cpu_parse.cpp.
"""

import asyncio
import concurrent.futures
import itertools
import time

PARSE_CPU_TIME_S = 0.3  # CPU work per line; loopscope serve --parse-ms 300
WORKER_THREADS = 2      # as Loopscope's worker pool


def parse_expensively(line, cpu_time_s):
    # FNV-1a over the line, round after round, until the time budget is spent. The digest
    # depends on how many rounds fit in the budget, so it differs from the C++ one (and from
    # one run to the next). Python checks the clock every round: its rounds are slow enough.
    digest = 14695981039346656037
    deadline = time.monotonic() + cpu_time_s
    for round_number in itertools.count():
        for byte in line:
            digest = ((digest ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
        digest ^= round_number
        if time.monotonic() >= deadline:
            break
    return digest


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        # This task waits, the loop does not.
        digest = await asyncio.to_thread(parse_expensively, line, PARSE_CPU_TIME_S)
        writer.write(b"parsed:" + str(digest).encode() + b"\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    # asyncio.to_thread() runs on the loop's default executor.
    workers = concurrent.futures.ThreadPoolExecutor(max_workers=WORKER_THREADS)
    asyncio.get_running_loop().set_default_executor(workers)
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    print("listening on 127.0.0.1:8888")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
