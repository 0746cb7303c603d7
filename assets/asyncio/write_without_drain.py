"""write_without_drain: a large reply for every line, and no drain() after it.

The anti-pattern. write() never blocks, so without a drain() nothing ever makes this task
wait for its client. Against a client that reads slowly (or not at all) the writer's buffer
grows without bound, far past the high-water mark, and the server's memory grows with it.
Mirrors write_without_drain() in core/handlers/write_without_drain.cpp; write_with_drain.py
is the fix.
"""

import asyncio

REPLY_BYTES = 64 * 1024  # bytes written per line received, newline included


async def handle(reader, writer):
    reply = b"#" * (REPLY_BYTES - 1)
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(reply + b"\n")  # no drain(): nothing ever makes this task wait for the client
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    print("listening on 127.0.0.1:8888")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
