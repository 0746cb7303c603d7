// cpu_parse and offload_parse: the same CPU work, on the loop and off it.
#include <cstdint>

#include "blocking_handlers.hpp"
#include "core/loop/task_tools.hpp"

namespace loopscope::handlers {

asio::awaitable<void> cpu_parse(loop::StreamReader& reader, loop::StreamWriter& writer,
                                std::chrono::milliseconds cpu_time) {
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    const std::uint64_t digest = parse_expensively(line, cpu_time);  // runs on the loop thread
    writer.write("parsed:" + std::to_string(digest) + "\n");
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

asio::awaitable<void> offload_parse(loop::StreamReader& reader, loop::StreamWriter& writer,
                                    loop::WorkerPool& workers, std::chrono::milliseconds cpu_time) {
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    // Like await asyncio.to_thread(parse, line): this task waits, the loop does not.
    // (Named rather than a temporary: GCC 12 destroys a lambda temporary twice when it sits
    // inside a co_await expression.)
    auto parse = [line, cpu_time] { return parse_expensively(line, cpu_time); };
    const std::uint64_t digest = co_await loop::to_thread(workers, std::move(parse));
    writer.write("parsed:" + std::to_string(digest) + "\n");
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
