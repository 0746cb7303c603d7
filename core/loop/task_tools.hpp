#pragma once
// The asyncio tools a handler reaches for, instrumented: sleep (asyncio.sleep), to_thread
// (asyncio.to_thread), wait_for (asyncio.wait_for), and block_loop_for, which is time.sleep()
// called on the loop: the bug the freeze lessons show, marked so the freeze names its line.

#include <asio/awaitable.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <exception>
#include <asio/co_spawn.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <source_location>
#include <type_traits>
#include <variant>

#include "core/loop/awaitable_support.hpp"
#include "core/loop/stream_errors.hpp"
#include "core/loop/task_trace.hpp"
#include "core/loop/worker_pool.hpp"

namespace loopscope::loop {

// asyncio.sleep(): suspends this task; the loop serves others meanwhile.
asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration,
                                std::source_location site = std::source_location::current());

// time.sleep() on the loop thread: nothing else runs until it returns. For lessons only.
void block_loop_for(std::chrono::nanoseconds duration, std::source_location site = std::source_location::current());

// asyncio.to_thread(): runs fn on a worker and resumes this task on the loop with its result
// (or its exception). fn must return a value; it must not touch stream objects.
template <class Fn>
asio::awaitable<std::invoke_result_t<Fn>> to_thread(WorkerPool& workers, Fn fn,
                                                    std::source_location site = std::source_location::current()) {
  using Result = std::invoke_result_t<Fn>;
  static_assert(!std::is_void_v<Result> && std::is_default_constructible_v<Result>,
                "to_thread needs a function that returns a default-constructible value");
  AwaitScope suspended(trace::AwaitKind::Offload, site);
  // A plain completion-handler operation rather than a coroutine lambda: the worker runs fn,
  // then posts the handler back to the awaiting task's executor (the loop).
  auto initiation = [&workers](auto handler, Fn work) {
    auto loop_executor = asio::get_associated_executor(handler);
    asio::post(workers.executor(), [handler = std::move(handler), work = std::move(work),
                                    guard = asio::make_work_guard(loop_executor)]() mutable {
      std::exception_ptr error;
      Result result{};
      try {
        result = work();
      } catch (...) {
        error = std::current_exception();
      }
      auto resume_executor = guard.get_executor();
      asio::post(resume_executor, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        std::move(handler)(error, std::move(result));
      });
    });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, Result)>(
      std::move(initiation), asio::use_awaitable, std::move(fn));
}

// asyncio.wait_for(): the awaited operation's result, or TimeoutError after `timeout`; on expiry
// the operation is cancelled (its await throws CancelledError inside and unwinds) first.
// The outcomes are mapped by hand rather than with awaitable_operators' `||`, which in Asio 1.22
// waits for one *success*: a readline that fails (line too long, peer reset) would otherwise
// sit out the whole timeout and be reported as one.
template <class T>
asio::awaitable<T> wait_for(asio::awaitable<T> operation, std::chrono::nanoseconds timeout) {
  static_assert(std::is_default_constructible_v<T>, "wait_for needs a default-constructible result");
  const auto executor = co_await asio::this_coro::executor;
  // The race below is awaited outside any AwaitScope, and other tasks run before it completes:
  // the loop must be told again whose code runs once it does, or what this task records next
  // (its drain, its wait_closed) would be put down to whichever task ran last.
  const TaskId task = current_task();
  asio::steady_timer deadline(executor, timeout);
  auto race = asio::experimental::make_parallel_group(
      asio::co_spawn(executor, std::move(operation), asio::experimental::deferred),
      deadline.async_wait(asio::experimental::deferred));
  auto [order, operation_error, value, timer_error] =
      co_await race.async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  enter_task(task);
  // The operation's own outcome wins when it came first, and also when the timer fired but the
  // operation had already succeeded (its value must not be dropped).
  if (order[0] == 0 || !operation_error) {
    if (operation_error) std::rethrow_exception(operation_error);
    co_return std::move(value);
  }
  if (timer_error == asio::error::operation_aborted) throw CancelledError();  // we were cancelled
  throw TimeoutError();
}

}  // namespace loopscope::loop
