#pragma once
// The clock of a headless run (`serve`, `asyncio --trace`): when it started, when it must stop
// (--duration, or never), and when the next once-a-second summary line is due.

#include <chrono>
#include <cstdint>

namespace loopscope::scenarios {

class RunClock {
 public:
  // duration_s 0: no deadline (until Ctrl-C).
  explicit RunClock(double duration_s, std::chrono::steady_clock::duration summary_interval = std::chrono::seconds(1))
      : started_(std::chrono::steady_clock::now()),
        summary_interval_(summary_interval),
        next_summary_(started_ + summary_interval),
        deadline_(duration_s > 0 ? started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                  std::chrono::duration<double>(duration_s))
                                 : std::chrono::steady_clock::time_point::max()) {}

  bool past_deadline() const { return std::chrono::steady_clock::now() >= deadline_; }
  // True once per interval, when a summary line is due (then the next one is scheduled).
  bool summary_due() {
    if (std::chrono::steady_clock::now() < next_summary_) return false;
    next_summary_ += summary_interval_;
    return true;
  }
  std::uint64_t elapsed_s() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count());
  }

 private:
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::duration summary_interval_;
  std::chrono::steady_clock::time_point next_summary_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace loopscope::scenarios
