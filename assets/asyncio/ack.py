"""ack: each line is answered with "ack:<line>", surrounding whitespace removed.

A handler that builds a reply from the request instead of copying it: a tiny protocol
with framing (one line in, one line out). Mirrors core/handlers/ack.cpp.
"""

import asyncio


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        # Bytes stay bytes, and only " \t\r\n" is stripped, as in the C++ strip().
        writer.write(b"ack:" + line.strip(b" \t\r\n") + b"\n")
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
