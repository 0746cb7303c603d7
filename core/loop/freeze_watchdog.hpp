#pragma once
// Notices, from another thread, that the loop has been inside one handler for too long.
// poll() is cheap (a few atomic loads) and is called by the consumer thread every tick; it
// records FreezeBegin when a handler passes the threshold and FreezeEnd, with the exact
// duration, once that handler has returned.

#include <chrono>
#include <cstdint>
#include <source_location>

#include "core/loop/loop_probe.hpp"
#include "core/loop/task_trace.hpp"

namespace loopscope::loop {

struct FreezeState {
  bool frozen = false;
  std::uint64_t frozen_for_ns = 0;  // grows while the freeze lasts
  TaskId task = 0;                  // the task whose code is running (0 = not a task)
  std::source_location site{};      // where that code resumed, or the marked blocking call
};

class FreezeWatchdog {
 public:
  static constexpr std::chrono::milliseconds kDefaultThreshold{50};

  explicit FreezeWatchdog(const LoopProbe& probe, std::chrono::nanoseconds threshold = kDefaultThreshold)
      : probe_(probe), threshold_ns_(static_cast<std::uint64_t>(threshold.count())) {}

  // Reads the probe, records freeze begin/end events on the calling thread's ring.
  FreezeState poll();
  const FreezeState& last() const { return last_; }

 private:
  const LoopProbe& probe_;
  std::uint64_t threshold_ns_;
  std::uint64_t freeze_start_ticks_ = 0;  // 0 = no freeze in progress
  FreezeState last_;
};

}  // namespace loopscope::loop
