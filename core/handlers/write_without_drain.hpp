#pragma once
#include <asio/awaitable.hpp>
#include <cstddef>

#include "core/loop/stream_reader.hpp"
#include "core/loop/stream_writer.hpp"

namespace loopscope::handlers {

// The anti-pattern: a large reply per line and no drain(). Against a client that reads
// slowly, the writer's buffer grows without bound, far past the high-water mark.
asio::awaitable<void> write_without_drain(loop::StreamReader& reader, loop::StreamWriter& writer,
                                          std::size_t reply_bytes);

// The same, done right: identical replies, each followed by drain().
asio::awaitable<void> write_with_drain(loop::StreamReader& reader, loop::StreamWriter& writer,
                                       std::size_t reply_bytes);

}  // namespace loopscope::handlers
