#include "task_tools.hpp"

#include <thread>

#include "core/trace/hook.hpp"

namespace loopscope::loop {

asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration, std::source_location site) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  AwaitScope suspended(trace::AwaitKind::Sleep, site);
  auto [error] = co_await timer.async_wait(use_nothrow_awaitable);
  if (error == asio::error::operation_aborted) {
    trace::record(trace::EventKind::AwaitCancelled, suspended.task(), 0, trace::detail_of(trace::AwaitKind::Sleep), site);
    throw CancelledError();
  }
}

void block_loop_for(std::chrono::nanoseconds duration, std::source_location site) {
  if (LoopProbe* probe = tls_loop_probe) probe->blocking_site.store(site, std::memory_order_relaxed);
  const std::uint64_t start_ticks = trace::TraceClock::now_ticks();
  std::this_thread::sleep_for(duration);
  const std::uint64_t duration_ticks = trace::TraceClock::now_ticks() - start_ticks;  // ns once drained
  trace::record_at(start_ticks, trace::EventKind::BlockingCall, current_task(), duration_ticks, 0, site);
}

}  // namespace loopscope::loop
