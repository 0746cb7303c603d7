"""echo: every line goes back to the client exactly as it arrived.

The smallest useful stream handler. It teaches the two places a handler can wait:
readline() waits for the client to send, drain() waits for the client to read.
Mirrors core/handlers/echo.cpp.
"""

import asyncio


async def handle(reader, writer):
    while True:
        line = await reader.readline()  # suspends until a whole line is here
        if not line:                     # b"" means the client closed
            break
        writer.write(line)               # staged; never blocks
        await writer.drain()             # waits only if the client reads too slowly
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    print("listening on 127.0.0.1:8888")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
