#pragma once
// A closed-loop echo load: N loopback connections, each sending one short line and waiting
// for it to come back before sending the next. Written on plain epoll, sharing no code with
// the server it loads, so a bug in the server's stream code cannot hide in both ends.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace loopscope::bench {

struct EchoLoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t connections = 1;
  std::chrono::milliseconds warmup{500};
  std::chrono::milliseconds duration{2000};
  // Connections that are connecting or awaiting their first reply at once. A small number
  // keeps every server's accept queue short, so no SYN is dropped and retried a second later.
  std::size_t connect_window = 64;
  std::chrono::milliseconds establish_timeout{20000};
  // Each request line's length, newline included: "ping <16 hex digits>" padded with 'x'.
  std::size_t line_bytes = 22;
  // The server upper-cases each line (the upper handler), so the reply is the request upper-cased.
  bool expect_upper = false;
};

// The shortest line the load can send: "ping " + 16 hex digits + "\n".
inline constexpr std::size_t kMinLineBytes = 22;

struct EchoLoadResult {
  std::size_t connections_established = 0;
  std::uint64_t round_trips = 0;         // completed inside the measured window
  std::uint64_t round_trips_total = 0;   // including set-up and warm-up (to divide server-wide counts by)
  double measured_s = 0;                 // the window's length
  std::uint64_t connection_failures = 0; // refused, reset, closed early, or a wrong reply
  std::vector<std::uint32_t> latencies_ns;  // one per round trip in the window
};

// Calls window_begins() and window_ends() right at the edges of the measured window, so a
// caller can sample the server's CPU time there. Throws std::runtime_error when the load
// cannot be set up (no connection, or not all of them within establish_timeout).
EchoLoadResult run_echo_load(const EchoLoadOptions& options, const std::function<void()>& window_begins,
                             const std::function<void()>& window_ends);

// The p-th percentile (0..100) of the samples, nearest rank; 0 when there are none.
std::uint32_t percentile_ns(std::vector<std::uint32_t> samples, double percentile);

}  // namespace loopscope::bench
