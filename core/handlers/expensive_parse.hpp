#pragma once
// Real CPU work for the CPU-heavy handlers, with no loop in it, so the loop's handlers and the
// thread-per-connection server's run the very same work.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace loopscope::handlers {

// Hashes the line over and over for `cpu_time`. Returns the digest.
std::uint64_t parse_expensively(std::string_view line, std::chrono::milliseconds cpu_time);

}  // namespace loopscope::handlers
