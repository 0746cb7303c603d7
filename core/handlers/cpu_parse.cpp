// cpu_parse and offload_parse: the same CPU work, on the loop and off it.
#include <cstdint>

#include "blocking_handlers.hpp"
#include "core/loop/task_tools.hpp"

namespace loopscope::handlers {

std::uint64_t parse_expensively(std::string_view line, std::chrono::milliseconds cpu_time) {
  // FNV-1a over the line, round after round, until the time budget is spent. The clock is
  // read every 1024 rounds so the check does not dominate the work.
  std::uint64_t digest = 14695981039346656037ull;
  const auto deadline = std::chrono::steady_clock::now() + cpu_time;
  for (std::uint64_t round = 0;; ++round) {
    for (const char c : line) digest = (digest ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    digest ^= round;
    if ((round & 1023) == 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  return digest;
}

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
