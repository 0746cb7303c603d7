#pragma once
// The members of one chat: every connection of a chat handler joins on connect and leaves on
// exit. Lives on the loop thread, like the handlers that share it.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/loop/stream_writer.hpp"

namespace loopscope::handlers {

class ChatRoom {
 public:
  // RAII membership: leaving happens however the handler exits.
  class Membership {
   public:
    Membership(ChatRoom& room, loop::StreamWriter& writer) : room_(room), writer_(writer) {
      room_.members_.push_back(&writer_);
    }
    Membership(const Membership&) = delete;
    Membership& operator=(const Membership&) = delete;
    ~Membership() { std::erase(room_.members_, &writer_); }

   private:
    ChatRoom& room_;
    loop::StreamWriter& writer_;
  };

  // A copy: members may leave while a broadcast is suspended in drain().
  std::vector<loop::StreamWriter*> members_except(const loop::StreamWriter& sender) const {
    std::vector<loop::StreamWriter*> others;
    for (loop::StreamWriter* member : members_) {
      if (member != &sender) others.push_back(member);
    }
    return others;
  }
  bool is_member(const loop::StreamWriter* writer) const {
    return std::find(members_.begin(), members_.end(), writer) != members_.end();
  }
  std::size_t size() const { return members_.size(); }

  // chat_fair: a member with more than this staged misses messages until it catches up.
  // Well above the high-water mark, so a member who reads at full speed never hits it.
  std::size_t member_backlog_limit_bytes = 1024 * 1024;
  std::uint64_t messages_skipped = 0;  // chat_fair: deliveries dropped for members too far behind

 private:
  std::vector<loop::StreamWriter*> members_;
};

}  // namespace loopscope::handlers
