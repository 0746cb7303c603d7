#pragma once
#include <asio/awaitable.hpp>
#include <chrono>

#include "core/loop/stream_reader.hpp"
#include "core/loop/stream_writer.hpp"

namespace loopscope::handlers {

// Echo with a deadline per line (asyncio.wait_for(reader.readline(), timeout)): a silent
// client gets "timeout" and is closed; the cancelled readline cleans up after itself.
asio::awaitable<void> readline_timeout(loop::StreamReader& reader, loop::StreamWriter& writer,
                                       std::chrono::milliseconds timeout);

}  // namespace loopscope::handlers
