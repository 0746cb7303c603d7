"""chat_naive: each line goes to every other member, awaiting each member's drain() in turn.

The broadcast most tutorials write first. It teaches that drain() on someone else's
writer makes *your* task wait for *their* client: one member who stops reading keeps
the sender suspended in that drain(), and every line the sender would pass on waits too.
Mirrors core/handlers/chat_naive.cpp; chat_fair.py is the fix.
"""

import asyncio

members = set()  # the writers of everyone connected; shared by all the handler tasks


async def handle(reader, writer):
    members.add(writer)  # leaves in the finally below, however the handler exits
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            for member in members - {writer}:  # a copy: members may leave while we wait
                if member not in members:
                    continue  # left while we waited on someone else
                if member.is_closing():
                    continue  # on its way out
                try:
                    member.write(line)
                    await member.drain()  # a member who does not read keeps us here
                except (ConnectionResetError, BrokenPipeError):
                    pass  # that member is gone; its own handler will leave the room
        writer.close()
        await writer.wait_closed()
    finally:
        members.discard(writer)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8888)
    print("listening on 127.0.0.1:8888")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
