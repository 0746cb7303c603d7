"""upper: every line goes back in capital letters.

The classic first asyncio server, kept going line after line instead of answering once.
Like echo, it shows that while one client's task waits in readline() the loop serves the
others. Mirrors core/handlers/upper.cpp.
"""

import asyncio


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        line = line.upper()  # ASCII letters only (bytes.upper()), as the C++ handler does
        writer.write(line)
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
