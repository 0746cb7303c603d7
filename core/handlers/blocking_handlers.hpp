#pragma once
// Handlers that do slow work per line: on the loop (the bug) and off it (the fix).

#include <asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "core/loop/stream_reader.hpp"
#include "core/loop/stream_writer.hpp"
#include "core/handlers/expensive_parse.hpp"
#include "core/loop/worker_pool.hpp"

namespace loopscope::handlers {

// time.sleep() inside async def: the whole loop stops for `delay` on every line.
asio::awaitable<void> blocking_sleep(loop::StreamReader& reader, loop::StreamWriter& writer,
                                     std::chrono::milliseconds delay);

// CPU-bound parsing inline: freezes the loop just as sleeping does.
asio::awaitable<void> cpu_parse(loop::StreamReader& reader, loop::StreamWriter& writer,
                                std::chrono::milliseconds cpu_time);

// The same parsing handed to a worker thread (asyncio.to_thread): the loop stays free.
asio::awaitable<void> offload_parse(loop::StreamReader& reader, loop::StreamWriter& writer,
                                    loop::WorkerPool& workers, std::chrono::milliseconds cpu_time);

}  // namespace loopscope::handlers
