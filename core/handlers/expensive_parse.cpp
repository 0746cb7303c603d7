// The CPU work of cpu_parse, offload_parse and the threaded servers' cpu_parse.
#include "expensive_parse.hpp"

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

}  // namespace loopscope::handlers
