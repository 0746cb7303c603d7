#include "loop_thread.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/steady_timer.hpp>
#include <cstdio>
#include <memory>

#include "core/loop/task_trace.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::loop {

LoopThread::LoopThread(trace::Recorder& recorder, LoopOptions options)
    : recorder_(recorder), options_(std::move(options)) {
  auto started = started_.get_future();
  thread_ = std::thread([this] { run(); });
  started.wait();
}

LoopThread::~LoopThread() { stop(); }

void LoopThread::stop() {
  context_.stop();
  if (thread_.joinable() && !on_loop_thread()) thread_.join();
}

void LoopThread::run() {
  auto attachment = recorder_.attach_current_thread(options_.source_name);
  tls_loop_probe = &probe_;
  auto work = asio::make_work_guard(context_);
  arm_heartbeat(std::make_shared<asio::steady_timer>(context_),
                std::chrono::steady_clock::now() + options_.heartbeat_interval);
  started_.set_value();
  // A handler that lets an exception escape must not take the loop down with it: report it
  // and keep serving everyone else.
  for (;;) {
    try {
      context_.run();
      break;
    } catch (const std::exception& error) {
      std::fprintf(stderr, "loopscope: uncaught exception on the loop: %s\n", error.what());
    }
  }
  tls_loop_probe = nullptr;
}

void LoopThread::arm_heartbeat(std::shared_ptr<asio::steady_timer> timer,
                               std::chrono::steady_clock::time_point due) {
  timer->expires_at(due);
  timer->async_wait([this, timer, due](const std::error_code& error) {
    if (error) return;
    const auto now = std::chrono::steady_clock::now();
    const auto lag = std::chrono::duration_cast<std::chrono::nanoseconds>(now - due);
    enter_task(0);  // the heartbeat belongs to no task
    trace::record(trace::EventKind::LoopLag, 0, static_cast<std::uint64_t>(lag.count()));
    // Next tick counts from now, not from `due`: after a freeze we want one late tick,
    // not a burst of catch-up ticks.
    arm_heartbeat(timer, now + options_.heartbeat_interval);
  });
}

}  // namespace loopscope::loop
