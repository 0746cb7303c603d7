// chat_naive: the seeds' broadcast(), drain() after every member.
#include "chat_handlers.hpp"
#include "core/loop/stream_errors.hpp"

namespace loopscope::handlers {

asio::awaitable<void> chat_naive(ChatRoom& room, loop::StreamReader& reader, loop::StreamWriter& writer) {
  ChatRoom::Membership membership(room, writer);
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    for (loop::StreamWriter* member : room.members_except(writer)) {
      if (!room.is_member(member)) continue;  // left while we waited on someone else
      if (member->is_closing()) continue;     // on its way out
      try {
        member->write(line);
        co_await member->drain();  // a member who does not read keeps us here
      } catch (const loop::ConnectionLostError&) {
        // That member is gone; its own handler will leave the room.
      }
    }
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
