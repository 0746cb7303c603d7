#pragma once
// Handlers with no shared state. Each is short on purpose: learners read these files beside
// the asyncio code they mirror (assets/asyncio/<name>.py).

#include <asio/awaitable.hpp>

#include "core/loop/stream_reader.hpp"
#include "core/loop/stream_writer.hpp"

namespace loopscope::handlers {

using loop::StreamReader;
using loop::StreamWriter;

asio::awaitable<void> echo(StreamReader& reader, StreamWriter& writer);
asio::awaitable<void> upper(StreamReader& reader, StreamWriter& writer);
asio::awaitable<void> ack(StreamReader& reader, StreamWriter& writer);

}  // namespace loopscope::handlers
