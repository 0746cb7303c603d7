#pragma once
#include <asio/awaitable.hpp>

#include "core/handlers/chat_room.hpp"
#include "core/loop/stream_reader.hpp"
#include "core/loop/stream_writer.hpp"

namespace loopscope::handlers {

// Broadcast that writes to each member and awaits that member's drain() in turn: one member
// who stops reading holds the sender (and so everyone the sender would serve) at its drain.
asio::awaitable<void> chat_naive(ChatRoom& room, loop::StreamReader& reader, loop::StreamWriter& writer);

// Broadcast that never waits on another member: each member's buffer absorbs the burst, and
// one already more than ChatRoom::member_backlog_limit_bytes behind misses the message (counted).
asio::awaitable<void> chat_fair(ChatRoom& room, loop::StreamReader& reader, loop::StreamWriter& writer);

}  // namespace loopscope::handlers
