"""write_with_drain: the same large replies as write_without_drain, each followed by drain().

Backpressure done right. Once the writer's buffer is above the high-water mark (64 KiB by
default), drain() suspends this task until the client has read enough for the buffer to
fall to the low-water mark (16 KiB). The buffer stays bounded and, while this task waits,
it reads no more requests. Mirrors write_with_drain() in
core/handlers/write_without_drain.cpp.
"""

import asyncio

REPLY_BYTES = 64 * 1024  # bytes written per line received, newline included


async def handle(reader, writer):
    reply = b"#" * (REPLY_BYTES - 1)
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(reply + b"\n")
        await writer.drain()  # above high-water: wait here until the client catches up
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    print("listening on 127.0.0.1:8888")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
