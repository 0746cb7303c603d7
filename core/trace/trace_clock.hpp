#pragma once
// The hook clock. On x86-64 it reads the invariant time-stamp counter (a few ns, no syscall);
// ticks become nanoseconds with a ratio calibrated once per process against steady_clock.
// Elsewhere it falls back to steady_clock, whose ticks already are nanoseconds.

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace loopscope::trace {

class TraceClock {
 public:
  static std::uint64_t now_ticks() noexcept {
#if defined(__x86_64__)
    return __rdtsc();
#else
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
  }

  // Process-wide calibration, measured on first use (about 10 ms, once).
  static const TraceClock& calibrated();

  double ns_per_tick() const { return ns_per_tick_; }

  // Nanoseconds between two tick readings (later minus earlier, clamped at zero).
  std::uint64_t ticks_to_ns(std::uint64_t ticks) const {
    return static_cast<std::uint64_t>(static_cast<double>(ticks) * ns_per_tick_);
  }

 private:
  TraceClock();
  double ns_per_tick_ = 1.0;
};

}  // namespace loopscope::trace
