#pragma once
// What the loop thread is doing right now, readable from any other thread *while* the loop
// is stuck. The loop writes it with relaxed atomic stores from the handler-tracking hook and
// the task resume hook; the freeze watchdog reads it.

#include <atomic>
#include <cstdint>
#include <source_location>

namespace loopscope::loop {

struct LoopProbe {
  // TraceClock ticks when the current outermost Asio handler began; 0 while idle.
  std::atomic<std::uint64_t> invocation_start_ticks{0};
  // The last finished invocation, so a watchdog can time a freeze exactly after it ends.
  std::atomic<std::uint64_t> last_finished_start_ticks{0};
  std::atomic<std::uint64_t> last_finished_end_ticks{0};
  // Which task resumed last and at which await: that is the code now running.
  std::atomic<std::uint32_t> running_task_id{0};
  std::atomic<std::source_location> running_site{};
  // Set while a marked blocking call (block_loop_for) runs: the most precise site we have.
  std::atomic<std::source_location> blocking_site{};
};

static_assert(std::atomic<std::source_location>::is_always_lock_free,
              "the probe is read while the loop is stuck, so it must never take a lock");

// Set on the loop thread only; null elsewhere (client and worker threads).
inline thread_local LoopProbe* tls_loop_probe = nullptr;

}  // namespace loopscope::loop
