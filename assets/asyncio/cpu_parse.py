"""cpu_parse: CPU-heavy work done inline in the handler, which freezes the loop.

No sleep anywhere, yet the effect is the same as blocking_sleep: while parse_expensively()
runs, the loop thread is busy with it and every other connection waits. An async def
does not make work asynchronous; only awaits give the loop back. offload_parse.py moves the
same work to a worker thread. Mirrors cpu_parse() in core/handlers/cpu_parse.cpp.
"""

import asyncio
import itertools
import time

PARSE_CPU_TIME_S = 0.3  # CPU work per line; loopscope serve --parse-ms 300


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
        digest = parse_expensively(line, PARSE_CPU_TIME_S)  # runs on the loop thread
        writer.write(b"parsed:" + str(digest).encode() + b"\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    print("listening on 127.0.0.1:8888")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
