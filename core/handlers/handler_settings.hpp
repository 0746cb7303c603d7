#pragma once
// Knobs the lesson-facing handlers take: how long the blocking ones block, how long a read
// may wait. Defaults suit a demo a person watches.

#include <chrono>

namespace loopscope::handlers {

struct HandlerSettings {
  std::chrono::milliseconds blocking_delay{500};    // blocking_sleep: time.sleep() on the loop
  std::chrono::milliseconds parse_cpu_time{300};    // cpu_parse / offload_parse: CPU work per line
  std::chrono::milliseconds read_timeout{2000};     // readline_timeout: deadline for each line
  std::size_t write_without_drain_reply_bytes = 64 * 1024;  // bytes written per line received
};

}  // namespace loopscope::handlers
