"""blocking_sleep: time.sleep() inside an async handler, the mistake that freezes everyone.

time.sleep() does not await, so the task never gives the loop back: for the whole delay no
other connection is read from, written to or accepted. With one client it looks merely slow;
with two, the second client's replies wait for the first client's sleeps. The fix is
await asyncio.sleep(BLOCKING_DELAY_S), or asyncio.to_thread() for real blocking calls.
Mirrors core/handlers/blocking_sleep.cpp.
"""

import asyncio
import time

BLOCKING_DELAY_S = 0.5  # per line; loopscope serve --blocking-ms 500


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        time.sleep(BLOCKING_DELAY_S)  # no await, so no other task can run
        writer.write(b"slept:" + line)
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
