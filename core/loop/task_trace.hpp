#pragma once
// Task identity and the suspend/resume hooks that every instrumented await goes through.
// A task is one coroutine stack started on the loop: a connection's handler (launch_task, in
// StreamServer) or a task a handler starts (co_spawn). The loop thread remembers which task it
// resumed last; since every suspension of a handler goes through AwaitScope, that is the task
// whose code is running.

#include <atomic>
#include <cstdint>
#include <source_location>

#include "core/loop/loop_probe.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::loop {

using TaskId = std::uint32_t;

inline thread_local TaskId tls_current_task = 0;

inline TaskId current_task() { return tls_current_task; }

// The loop thread switches to `task`: its code runs from `site` on.
inline void enter_task(TaskId task, std::source_location site = {}) {
  tls_current_task = task;
  if (LoopProbe* probe = tls_loop_probe) {
    probe->running_task_id.store(task, std::memory_order_relaxed);
    probe->running_site.store(site, std::memory_order_relaxed);
  }
}

// Records a suspension at `site` for the current task; the destructor records the resume.
// Use it around exactly one co_await that really suspends.
class AwaitScope {
 public:
  AwaitScope(trace::AwaitKind kind, std::source_location site) : task_(current_task()), kind_(kind), site_(site) {
    trace::record(trace::EventKind::TaskSuspended, task_, 0, trace::detail_of(kind_), site_);
  }
  AwaitScope(const AwaitScope&) = delete;
  AwaitScope& operator=(const AwaitScope&) = delete;
  ~AwaitScope() {
    enter_task(task_, site_);
    trace::record(trace::EventKind::TaskResumed, task_, 0, trace::detail_of(kind_), site_);
  }
  TaskId task() const { return task_; }

 private:
  TaskId task_;
  trace::AwaitKind kind_;
  std::source_location site_;
};

}  // namespace loopscope::loop
