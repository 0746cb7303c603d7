"""read_chunks: reader.read(100) instead of readline(), so there is no framing at all.

Each read returns whatever bytes happened to have arrived, up to 100: one message sent in
pieces comes back as several reads, several messages sent together come back as one.
Mirrors core/handlers/read_chunks.cpp.
"""

import asyncio


async def handle(reader, writer):
    while True:
        chunk = await reader.read(100)  # up to 100 bytes, as soon as any arrive
        if not chunk:                   # b"" means the client closed
            break
        writer.write(f"got {len(chunk)} bytes\n".encode())
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
