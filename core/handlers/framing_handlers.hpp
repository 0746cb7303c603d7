#pragma once
// Handlers for the framing and cleanup lessons.

#include <asio/awaitable.hpp>

#include "core/loop/stream_reader.hpp"
#include "core/loop/stream_writer.hpp"

namespace loopscope::handlers {

// reader.read(100) instead of readline(): replies "got N bytes" for every read.
asio::awaitable<void> read_chunks(loop::StreamReader& reader, loop::StreamWriter& writer);

// echo that returns without closing its writer: the connection leaks.
asio::awaitable<void> echo_no_close(loop::StreamReader& reader, loop::StreamWriter& writer);

}  // namespace loopscope::handlers
