#pragma once
// Asio completion tokens used by the stream code: errors come back as values (as_tuple), so
// each await decides what an error means for the learner-facing API.
//
// And two shortcuts through the machinery that asio::co_spawn and asio::use_awaitable are made
// of, because a connection parked in readline() is mostly coroutine frames and memory per idle
// connection is a target (docs/benchmarks.md, "Resident memory per idle connection"):
//
// - launch_task() starts a task whose outermost coroutine is itself the entry point of an Asio
//   coroutine thread (it returns TaskEntryPoint). co_spawn would wrap it in an entry-point
//   coroutine of its own, a second frame that lives as long as the task.
// - wait_until_ready() waits for a socket to become readable or writable by suspending the
//   caller's own frame and resuming it from the completion handler. use_awaitable runs every
//   operation inside a small coroutine frame of its own.
//
// Both use asio::detail, which Asio may change in any release: the static_assert below stops a
// build against another version until the code is checked against asio/impl/co_spawn.hpp and
// asio/impl/use_awaitable.hpp again.

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/cancellation_state.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/version.hpp>
#include <system_error>
#include <utility>

namespace loopscope::loop {

inline constexpr auto use_nothrow_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

static_assert(ASIO_VERSION / 100 == 1022, "launch_task and wait_until_ready rely on Asio 1.22's internals");

using TaskExecutor = asio::any_io_executor;

// The return type of a task's outermost coroutine: a coroutine of this type owns the bottom of
// its coroutine stack (executor, cancellation state, throw_if_cancelled flag), as the
// entry-point coroutine inside co_spawn does. Inside it, co_await works as in any awaitable.
using TaskEntryPoint = asio::awaitable<asio::detail::awaitable_thread_entry_point, TaskExecutor>;

// What co_spawn(executor, task, bind_cancellation_slot(slot, ...)) does, minus its wrapper:
// runs `task` at once on the calling thread (which must be the executor's thread, as co_spawn's
// dispatch would) until its first suspension. A terminal cancellation emitted on `slot` reaches
// whatever the task awaits; partial and total ones are filtered out, as co_spawn's are. An
// exception that escapes the task propagates out of whichever call resumed it last.
inline void launch_task(TaskEntryPoint task, const TaskExecutor& executor, asio::cancellation_slot slot) {
  asio::cancellation_state state(slot, asio::enable_terminal_cancellation());
  asio::detail::awaitable_handler<TaskExecutor, void>(std::move(task), executor, slot, state).launch();
}

// How a readiness wait ended: `error` is empty when the socket is ready, operation_aborted when
// the wait was cancelled. `cancelled_before_start` is set instead when the wait was not even
// started because the task had already been cancelled in a thread that throws on cancellation
// (not a connection's task: see StreamServer::run_task); the caller then throws
// std::system_error(operation_aborted), as a use_awaitable co_await would have.
struct WaitOutcome {
  std::error_code error;
  bool cancelled_before_start = false;
};

namespace detail {

using FrameBase = asio::detail::awaitable_frame_base<TaskExecutor>;
using CoroutineThread = asio::detail::awaitable_thread<TaskExecutor>;

// The completion handler of a readiness wait: it owns the suspended coroutine stack (as
// use_awaitable's handler does), stores the outcome in the awaiting frame and resumes it.
// Its executor and cancellation slot are the coroutine thread's, so the wait is cancelled
// with the task and completes on the loop.
class ResumeAfterWait : public CoroutineThread {
 public:
  ResumeAfterWait(CoroutineThread&& thread, FrameBase* frame, WaitOutcome* outcome)
      : CoroutineThread(std::move(thread)), frame_(frame), outcome_(outcome) {}

  void operator()(const std::error_code& error) {
    outcome_->error = error;
    frame_->attach_thread(this);
    frame_->clear_cancellation_slot();
    pump();  // resumes the awaiting frame right after its co_await
  }

 private:
  FrameBase* frame_;
  WaitOutcome* outcome_;
};

// Awaited as `co_await ReadinessWait{...}`: Asio's coroutine promise accepts a function that
// receives the suspended frame and takes its thread over (its use_awaitable is built on this).
template <class Socket>
struct ReadinessWait {
  Socket* socket;
  typename Socket::wait_type wait;
  WaitOutcome* outcome;

  CoroutineThread* operator()(FrameBase* frame) const {
    CoroutineThread* thread = frame->detach_thread();
    // A use_awaitable operation started after the task was cancelled throws operation_aborted
    // from its co_await unless the thread said throw_if_cancelled(false); so does this, by
    // resuming the frame at once (the caller throws).
    if (thread->throw_if_cancelled() && thread->get_cancellation_state().cancelled() != asio::cancellation_type::none) {
      outcome->cancelled_before_start = true;
      frame->attach_thread(thread);  // still attached: the running pump resumes the frame
      return nullptr;
    }
    socket->async_wait(wait, ResumeAfterWait(std::move(*thread), frame, outcome));
    return nullptr;
  }
};

}  // namespace detail

// Waits, without a coroutine frame of its own, until `socket` is ready for `wait`. The outcome
// lands in `outcome`, which must live in the awaiting coroutine's frame:
//   WaitOutcome readable;
//   co_await wait_until_ready(socket, socket.wait_read, readable);
// The socket's executor must run on the task's thread (the loop).
template <class Socket>
detail::ReadinessWait<Socket> wait_until_ready(Socket& socket, typename Socket::wait_type wait, WaitOutcome& outcome) {
  return {&socket, wait, &outcome};
}

}  // namespace loopscope::loop
