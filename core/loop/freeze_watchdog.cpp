#include "freeze_watchdog.hpp"

#include "core/trace/hook.hpp"
#include "core/trace/trace_clock.hpp"

namespace loopscope::loop {

FreezeState FreezeWatchdog::poll() {
  const auto& clock = trace::TraceClock::calibrated();
  const std::uint64_t now_ticks = trace::TraceClock::now_ticks();
  const std::uint64_t start_ticks = probe_.invocation_start_ticks.load(std::memory_order_acquire);

  // A freeze in progress ends when its handler is no longer the one running.
  if (freeze_start_ticks_ != 0 && start_ticks != freeze_start_ticks_) {
    std::uint64_t end_ticks = now_ticks;
    if (probe_.last_finished_start_ticks.load(std::memory_order_relaxed) == freeze_start_ticks_) {
      end_ticks = probe_.last_finished_end_ticks.load(std::memory_order_relaxed);
    }
    if (end_ticks < freeze_start_ticks_) end_ticks = now_ticks;
    // The duration is recorded in ticks, as for every duration kind; the drain makes it ns.
    trace::record_at(end_ticks, trace::EventKind::FreezeEnd, last_.task, end_ticks - freeze_start_ticks_, 0, last_.site);
    freeze_start_ticks_ = 0;
    last_ = FreezeState{};
  }

  if (start_ticks == 0 || now_ticks <= start_ticks) {
    last_.frozen = false;
    return last_;
  }
  const std::uint64_t busy_ns = clock.ticks_to_ns(now_ticks - start_ticks);
  if (busy_ns < threshold_ns_) return last_;

  const std::source_location blocking_site = probe_.blocking_site.load(std::memory_order_relaxed);
  last_.frozen = true;
  last_.frozen_for_ns = busy_ns;
  last_.task = probe_.running_task_id.load(std::memory_order_relaxed);
  last_.site = blocking_site.line() != 0 ? blocking_site
                                          : probe_.running_site.load(std::memory_order_relaxed);
  if (freeze_start_ticks_ == 0) {
    freeze_start_ticks_ = start_ticks;
    // Stamped when the handler started, not when we noticed: the freeze began back then.
    trace::record_at(start_ticks, trace::EventKind::FreezeBegin, last_.task, 0, 0, last_.site);
  }
  return last_;
}

}  // namespace loopscope::loop
