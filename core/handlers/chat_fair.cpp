// chat_fair: the broadcast that a slow member cannot stall.
#include "chat_handlers.hpp"

namespace loopscope::handlers {

asio::awaitable<void> chat_fair(ChatRoom& room, loop::StreamReader& reader, loop::StreamWriter& writer) {
  ChatRoom::Membership membership(room, writer);
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    for (loop::StreamWriter* member : room.members_except(writer)) {
      if (member->is_closing()) continue;  // on its way out
      // Never await another member's drain(). Its buffer absorbs the burst; one who is
      // hopelessly behind skips messages, so its buffer stays bounded and nobody waits for it.
      if (member->get_write_buffer_size() > room.member_backlog_limit_bytes) {
        ++room.messages_skipped;
        continue;
      }
      member->write(line);
    }
    co_await writer.drain();  // only our own client's pace can hold us
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
