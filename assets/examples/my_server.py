"""An asyncio server as a learner writes one, with two mistakes and one fix to find.

    loopscope asyncio assets/examples/my_server.py      (then: nc 127.0.0.1 8888)

Send it lines:
    hello          -> HELLO                  (a quick reply)
    sleep          -> slept                  (time.sleep on the loop: every client freezes)
    think          -> thought                (the same wait in a thread: nobody freezes)
    big 512        -> 512 KiB of 'x' lines   (drain() waits while a slow reader catches up)
    quit           -> bye, and the server closes your connection
"""

import asyncio
import sys
import time

HOST = "127.0.0.1"
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8888


async def send_big(writer, kib):
    line = b"x" * 1023 + b"\n"
    for _ in range(kib):
        writer.write(line)
        await writer.drain()


async def handle(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        command = line.strip().decode(errors="replace")
        if command == "sleep":
            time.sleep(0.4)  # the mistake: no await, so the whole loop stops here
            writer.write(b"slept\n")
        elif command == "think":
            await asyncio.to_thread(time.sleep, 0.4)  # the fix: the loop serves others meanwhile
            writer.write(b"thought\n")
        elif command.startswith("big"):
            await send_big(writer, int(command.split()[1]) if command[3:].strip().isdigit() else 256)
        elif command == "quit":
            writer.write(b"bye\n")
            await writer.drain()
            break
        else:
            writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, HOST, PORT)
    print(f"listening on {HOST}:{PORT}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
