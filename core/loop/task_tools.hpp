#pragma once
// The asyncio tools a handler reaches for, instrumented: sleep (asyncio.sleep), to_thread
// (asyncio.to_thread), wait_for (asyncio.wait_for), and block_loop_for, which is time.sleep()
// called on the loop: the bug the freeze lessons show, marked so the freeze names its line.

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
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

// asyncio.to_thread(): runs fn on a worker and resumes this task on the loop with its result.
template <class Fn>
asio::awaitable<std::invoke_result_t<Fn>> to_thread(WorkerPool& workers, Fn fn,
                                                    std::source_location site = std::source_location::current()) {
  using Result = std::invoke_result_t<Fn>;
  AwaitScope suspended(trace::AwaitKind::Offload, site);
  co_return co_await asio::co_spawn(
      workers.executor(), [fn = std::move(fn)]() mutable -> asio::awaitable<Result> { co_return fn(); },
      asio::use_awaitable);
}

// asyncio.wait_for(): the awaited operation, or TimeoutError after `timeout`; on expiry the
// operation is cancelled (its await throws CancelledError inside and unwinds) before we throw.
template <class T>
asio::awaitable<T> wait_for(asio::awaitable<T> operation, std::chrono::nanoseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
  auto outcome = co_await (std::move(operation) || deadline.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) throw TimeoutError();
  co_return std::get<0>(std::move(outcome));
}

}  // namespace loopscope::loop
