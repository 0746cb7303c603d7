"""A learner-style server for the probe's tests of tasks and stream errors: the first line a
client sends picks what the handler does, and the handler answers one line saying what
happened. Line numbers matter: the tests find the lines they expect by their text."""

import asyncio
import gc
import time


async def read_through_helper(reader):
    return await reader.readline()  # helper await


async def sleeper():
    await asyncio.sleep(30)  # sleeper await


async def failing():
    await asyncio.sleep(0)
    raise KeyError("lost key")  # failing raise


class Unhashable:
    __eq__ = lambda self, other: self is other  # a class with __eq__ and no __hash__

    def tick(self, done):
        done.set_result("ticked")


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no text")


async def unprintable():
    raise Unprintable()


async def waits_forever():
    await asyncio.get_running_loop().create_future()  # orphan await


async def with_deadline(awaitable):
    try:
        return await asyncio.wait_for(awaitable, 0.05)  # deadline await
    except TimeoutError:
        return None


async def handle(reader, writer):
    command = (await reader.readline()).strip()
    if command == b"helper":
        replies = []
        for _ in range(3):
            replies.append((await read_through_helper(reader)).strip())
        writer.write(b" ".join(replies) + b"\n")
    elif command == b"long":
        try:
            await reader.readline()  # long readline
            writer.write(b"no error\n")
        except ValueError:
            writer.write(b"too long\n")
    elif command == b"exact":
        try:
            await reader.readexactly(10)  # exact read
            writer.write(b"ten bytes\n")
        except asyncio.IncompleteReadError as error:
            writer.write(b"short %d\n" % len(error.partial))
    elif command == b"cancel":
        task = asyncio.create_task(sleeper())
        await asyncio.sleep(0.05)
        asyncio.get_running_loop().call_soon(task.cancel)  # not a step of the task
        try:
            await task
        except asyncio.CancelledError:
            writer.write(b"cancelled\n")
    elif command == b"coro":
        coro = asyncio.current_task().get_coro()
        writer.write(f"{type(coro).__name__} {coro.__qualname__}\n".encode())
    elif command == b"fail":
        task = asyncio.create_task(failing())
        await asyncio.sleep(0.05)
        del task
        gc.collect()  # asyncio logs the exception nobody retrieved when the task goes away
        writer.write(b"dropped\n")
    elif command == b"unhashable":
        done = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(Unhashable().tick, done)  # an unhashable callback owner
        writer.write((await done).encode() + b"\n")
    elif command == b"orphan":
        asyncio.create_task(waits_forever())  # no reference kept: asyncio may destroy it
        await asyncio.sleep(0.05)
        gc.collect()
        writer.write(b"orphaned\n")
    elif command == b"unprintable":
        try:
            await asyncio.create_task(unprintable())
        except Unprintable:
            writer.write(b"raised\n")
    elif command == b"deadlines":
        await with_deadline(asyncio.sleep(1))
        await with_deadline(asyncio.to_thread(time.sleep, 0.2))
        writer.write(b"timed out twice\n")
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    async with server:
        await server.serve_forever()


asyncio.run(main())
