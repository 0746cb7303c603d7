"""chat_fair: each line goes to every other member without waiting for any of them.

The fix for chat_naive. write() only stages bytes, so a broadcast can hand the line to
every member at once; each member's own buffer absorbs the burst. The only drain() is on
the sender's own writer, so only the sender's client can slow the sender down. A member
already more than a backlog limit behind misses messages instead of growing its buffer
forever. Mirrors core/handlers/chat_fair.cpp.
"""

import asyncio

# A member with more than this staged misses messages until it catches up. Well above the
# 64 KiB high-water mark, so a member who reads at full speed never reaches it.
MEMBER_BACKLOG_LIMIT_BYTES = 1024 * 1024

members = set()        # the writers of everyone connected; shared by all the handler tasks
messages_skipped = 0   # deliveries dropped for members too far behind


async def handle(reader, writer):
    global messages_skipped
    members.add(writer)  # leaves in the finally below, however the handler exits
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            for member in members - {writer}:
                if member.is_closing():
                    continue  # on its way out
                # Never await another member's drain(). Its buffer absorbs the burst; one who is
                # hopelessly behind skips messages, so its buffer stays bounded and nobody waits for it.
                if member.transport.get_write_buffer_size() > MEMBER_BACKLOG_LIMIT_BYTES:
                    messages_skipped += 1
                    continue
                member.write(line)
            await writer.drain()  # only our own client's pace can hold us
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
