#pragma once
// `loopscope serve`: the instrumented server, headless. Prints where it listens, a summary
// line each second, and writes the trace when it stops (SIGINT, SIGTERM or --duration).

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "scenarios/server/server_config.hpp"

namespace loopscope::scenarios {

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8888;
  ServerConfig server;
  double duration_s = 0;   // 0: until SIGINT / SIGTERM
  std::string trace_path;  // empty: no trace file
};

// Returns the process exit code. Messages for the user go to `out`, problems to `err`.
int run_serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace loopscope::scenarios
