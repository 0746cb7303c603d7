"""readline_timeout: echo, but every readline() has a deadline.

asyncio.wait_for() cancels the readline() when the deadline passes and raises TimeoutError.
The cancelled read cleans up after itself, so the connection is still usable: the handler
says "timeout" and closes it politely. Teaches timeouts and what cancellation looks like
from inside a task. Mirrors core/handlers/readline_timeout.cpp.
"""

import asyncio

READ_TIMEOUT_S = 2.0  # deadline for each line; loopscope serve --timeout-ms 2000


async def handle(reader, writer):
    while True:
        try:
            line = await asyncio.wait_for(reader.readline(), READ_TIMEOUT_S)
        except TimeoutError:
            # The readline was cancelled before we got here; the connection is still usable.
            writer.write(b"timeout\n")
            break
        if not line:
            break
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
