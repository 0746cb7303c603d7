#pragma once
// The server's event loop: one asio::io_context (concurrency hint 1) run by one thread that
// records into its own ring, publishes a LoopProbe, and runs a heartbeat timer whose lateness
// is the loop lag a learner sees.

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <stdexcept>
#include <chrono>
#include <exception>
#include <future>
#include <string>
#include <thread>
#include <type_traits>

#include "core/loop/loop_probe.hpp"
#include "core/trace/recorder.hpp"

namespace loopscope::loop {

struct LoopOptions {
  std::chrono::milliseconds heartbeat_interval{10};
  std::string source_name = "loop";
};

class LoopThread {
 public:
  explicit LoopThread(trace::Recorder& recorder, LoopOptions options = {});
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;
  ~LoopThread();  // stops and joins

  asio::io_context& context() { return context_; }
  asio::io_context::executor_type executor() { return context_.get_executor(); }
  const LoopProbe& probe() const { return probe_; }
  trace::Recorder& recorder() { return recorder_; }
  bool on_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

  // Runs fn on the loop and waits for its result. For setup and shutdown from other threads;
  // calling it from the loop thread itself would deadlock, so that throws.
  template <class Fn>
  auto run_sync(Fn&& fn) -> std::invoke_result_t<Fn> {
    using Result = std::invoke_result_t<Fn>;
    if (on_loop_thread()) throw std::logic_error("LoopThread::run_sync called on the loop thread");
    if (context_.stopped()) throw std::logic_error("LoopThread::run_sync called after the loop stopped");
    std::packaged_task<Result()> task(std::forward<Fn>(fn));
    auto result = task.get_future();
    asio::post(context_, [&task] { task(); });
    return result.get();
  }

  void stop();

 private:
  void run();
  void arm_heartbeat(std::shared_ptr<asio::steady_timer> timer, std::chrono::steady_clock::time_point due);

  trace::Recorder& recorder_;
  LoopOptions options_;
  asio::io_context context_{1};
  LoopProbe probe_;
  std::thread thread_;
  std::promise<void> started_;
};

}  // namespace loopscope::loop
