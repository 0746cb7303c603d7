#pragma once
// `loopscope serve`: the instrumented server, headless. Prints where it listens, a summary
// line each second, and writes the trace when it stops (SIGINT, SIGTERM or --duration).

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace loopscope::scenarios {

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8888;
  std::string handler = "echo";
  std::size_t high_water_bytes = 64 * 1024;
  std::optional<std::size_t> low_water_bytes;  // default: high / 4, as asyncio
  std::size_t max_connections = 1024;
  double duration_s = 0;  // 0: until SIGINT / SIGTERM
  std::string trace_path; // empty: no trace file
  std::optional<int> socket_send_buffer_bytes;
  std::optional<int> socket_receive_buffer_bytes;
  std::size_t line_limit_bytes = 64 * 1024;
  std::uint32_t blocking_delay_ms = 500;
  std::uint32_t parse_cpu_ms = 300;
  std::uint32_t read_timeout_ms = 2000;
};

// Returns the process exit code. Messages for the user go to `out`, problems to `err`.
int run_serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace loopscope::scenarios
