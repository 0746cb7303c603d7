#include "trace_clock.hpp"

#include <thread>

namespace loopscope::trace {

TraceClock::TraceClock() {
  using std::chrono::steady_clock;
#if defined(__x86_64__)
  // Two paired readings 10 ms apart; a preemption between the members of a pair would skew
  // the ratio, so each pair takes the closest of a few attempts.
  auto paired_reading = [] {
    std::uint64_t best_span = UINT64_MAX;
    std::uint64_t ticks = 0;
    steady_clock::time_point time{};
    for (int attempt = 0; attempt < 5; ++attempt) {
      const std::uint64_t before = now_ticks();
      const auto now = steady_clock::now();
      const std::uint64_t after = now_ticks();
      if (after - before < best_span) {
        best_span = after - before;
        ticks = before + (after - before) / 2;
        time = now;
      }
    }
    return std::pair{ticks, time};
  };
  const auto [ticks_start, time_start] = paired_reading();
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto [ticks_end, time_end] = paired_reading();
  const double elapsed_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(time_end - time_start).count());
  const double elapsed_ticks = static_cast<double>(ticks_end - ticks_start);
  ns_per_tick_ = elapsed_ticks > 0 ? elapsed_ns / elapsed_ticks : 1.0;
#else
  ns_per_tick_ = 1.0;
#endif
}

const TraceClock& TraceClock::calibrated() {
  static const TraceClock clock;
  return clock;
}

}  // namespace loopscope::trace
