"""echo_no_close: echo that forgets its cleanup.

When the client leaves, the handler returns without writer.close() and wait_closed(), so the
connection stays open on the server: a leak that only shutdown (or the peer) ends.
Mirrors core/handlers/echo_no_close.cpp.
"""

import asyncio


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line)
        await writer.drain()
    # Missing: writer.close(); await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    print("listening on 127.0.0.1:8888")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
