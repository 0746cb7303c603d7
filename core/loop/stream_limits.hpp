#pragma once
// Per-connection limits, with asyncio's defaults.

#include <chrono>
#include <cstddef>
#include <optional>

namespace loopscope::loop {

struct StreamLimits {
  std::size_t high_water_bytes = 64 * 1024;   // drain() waits once the writer buffer is above this...
  std::size_t low_water_bytes = 16 * 1024;    // ...until it has fallen to this
  std::size_t line_limit_bytes = 64 * 1024;   // readline() refuses longer lines
  // SO_SNDBUF / SO_RCVBUF; unset keeps the kernel's choice. Small values let a lesson show
  // backpressure with little data.
  std::optional<int> socket_send_buffer_bytes;
  std::optional<int> socket_receive_buffer_bytes;
  // The kernel's queue lengths (SIOCOUTQ / SIOCINQ) cost a syscall to read, so a connection
  // samples them only under backpressure (the kernel refusing bytes, or reads stopped at the
  // read-ahead limit), and then at most this often.
  std::chrono::microseconds kernel_sample_interval{1000};
};

}  // namespace loopscope::loop
