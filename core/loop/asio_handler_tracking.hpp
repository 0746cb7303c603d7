#pragma once
// Asio's custom handler tracking hook (ASIO_CUSTOM_HANDLER_TRACKING names this header).
// Every completion handler Asio invokes passes through TrackedInvocation, which records one
// HandlerInvoked event with its duration and keeps the LoopProbe's "busy since" current, so
// the watchdog can see a handler that never returns. Only the outermost invocation on a
// thread counts: nested dispatches are part of their parent's time.

#include <cstdint>

#include "core/loop/loop_probe.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::loop {

inline thread_local std::uint32_t tls_invocation_depth = 0;

class TrackedInvocation {
 public:
  template <class... Ignored>
  explicit TrackedInvocation(Ignored&&...) noexcept {}
  TrackedInvocation(const TrackedInvocation&) = delete;
  TrackedInvocation& operator=(const TrackedInvocation&) = delete;
  ~TrackedInvocation() { end(); }

  template <class... Ignored>
  void begin(Ignored&&...) noexcept {
    if (tls_invocation_depth++ != 0) {
      nested_ = true;
      return;
    }
    start_ticks_ = trace::TraceClock::now_ticks();
    if (LoopProbe* probe = tls_loop_probe) {
      probe->invocation_start_ticks.store(start_ticks_, std::memory_order_relaxed);
    }
  }

  void end() noexcept {
    if (nested_) {
      nested_ = false;
      --tls_invocation_depth;
      return;
    }
    if (start_ticks_ == 0) return;
    --tls_invocation_depth;
    const std::uint64_t end_ticks = trace::TraceClock::now_ticks();
    // Only the server's loop thread has a probe: its handlers are the loop's busy time. The
    // clients' and workers' loops stay silent, so they never blur the server's picture.
    if (LoopProbe* probe = tls_loop_probe) {
      probe->last_finished_start_ticks.store(start_ticks_, std::memory_order_relaxed);
      probe->last_finished_end_ticks.store(end_ticks, std::memory_order_relaxed);
      // Release: a watchdog that sees "idle" also sees the finished times stored above.
      probe->invocation_start_ticks.store(0, std::memory_order_release);
      probe->blocking_site.store({}, std::memory_order_relaxed);
      // The duration stays in ticks here; the consumer converts it (value_is_duration).
      trace::record_at(start_ticks_, trace::EventKind::HandlerInvoked, 0, end_ticks - start_ticks_);
    }
    start_ticks_ = 0;
  }

 private:
  std::uint64_t start_ticks_ = 0;
  bool nested_ = false;
};

}  // namespace loopscope::loop

#define ASIO_INHERIT_TRACKED_HANDLER
#define ASIO_ALSO_INHERIT_TRACKED_HANDLER
#define ASIO_HANDLER_TRACKING_INIT (void)0
#define ASIO_HANDLER_LOCATION(args) (void)0
#define ASIO_HANDLER_CREATION(args) (void)0
#define ASIO_HANDLER_COMPLETION(args) \
  ::loopscope::loop::TrackedInvocation loopscope_tracked_invocation args
#define ASIO_HANDLER_INVOCATION_BEGIN(args) loopscope_tracked_invocation.begin args
#define ASIO_HANDLER_INVOCATION_END loopscope_tracked_invocation.end()
#define ASIO_HANDLER_OPERATION(args) (void)0
#define ASIO_HANDLER_REACTOR_REGISTRATION(args) (void)0
#define ASIO_HANDLER_REACTOR_DEREGISTRATION(args) (void)0
#define ASIO_HANDLER_REACTOR_READ_EVENT 1
#define ASIO_HANDLER_REACTOR_WRITE_EVENT 2
#define ASIO_HANDLER_REACTOR_ERROR_EVENT 4
#define ASIO_HANDLER_REACTOR_EVENTS(args) (void)0
#define ASIO_HANDLER_REACTOR_OPERATION(args) (void)0
