// launch_task and wait_until_ready: the two frame-saving shortcuts through Asio's coroutine
// machinery must behave like the co_spawn and use_awaitable they replace.
#include <gtest/gtest.h>

#include <asio/cancellation_signal.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/local/connect_pair.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <optional>
#include <system_error>

#include "core/loop/awaitable_support.hpp"

namespace {

// A bound on every run: a wait that wrongly parks makes a test fail instead of hang.
constexpr std::chrono::seconds kAtMost{5};

using Socket = asio::local::stream_protocol::socket;
using loopscope::loop::TaskEntryPoint;
using loopscope::loop::WaitOutcome;
using loopscope::loop::wait_until_ready;

struct SocketPair {
  explicit SocketPair(asio::io_context& context) : ours(context), peer(context) { asio::local::connect_pair(ours, peer); }
  void peer_sends_a_byte() { asio::write(peer, asio::buffer("x", 1)); }
  Socket ours;
  Socket peer;
};

asio::awaitable<void> wait_readable(Socket& socket, std::optional<WaitOutcome>& result) {
  WaitOutcome readable;
  co_await wait_until_ready(socket, Socket::wait_read, readable);
  result = readable;
}

}  // namespace

TEST(WaitUntilReady, ResumesTheAwaitingFrameOnceTheSocketIsReadable) {
  asio::io_context context;
  SocketPair sockets(context);
  std::optional<WaitOutcome> result;
  asio::co_spawn(context, wait_readable(sockets.ours, result), asio::detached);
  context.poll();
  EXPECT_FALSE(result) << "nothing to read yet, so the coroutine must be parked";
  sockets.peer_sends_a_byte();
  context.run_for(kAtMost);  // returns as soon as nothing is left to do
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->error);
  EXPECT_FALSE(result->cancelled_before_start);
}

// Guards cancellation: a connection's task is cancelled through the slot its waits are bound to.
TEST(WaitUntilReady, ACancelledWaitEndsWithOperationAborted) {
  asio::io_context context;
  SocketPair sockets(context);
  asio::cancellation_signal cancel;
  std::optional<WaitOutcome> result;
  asio::co_spawn(context, wait_readable(sockets.ours, result), asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  context.poll();
  ASSERT_FALSE(result);
  cancel.emit(asio::cancellation_type::terminal);
  context.run_for(kAtMost);  // returns as soon as nothing is left to do
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error, asio::error::operation_aborted);
  EXPECT_FALSE(result->cancelled_before_start);
}

namespace {
// Cancels its own thread while nothing is pending (as when the cancellation arrives after a
// wait completed but before its task resumed), then starts a wait, first with use_awaitable.
asio::awaitable<void> wait_after_being_cancelled(asio::cancellation_signal& cancel, Socket& socket, bool throw_if_cancelled,
                                                 bool& use_awaitable_threw, std::optional<WaitOutcome>& result) {
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
  cancel.emit(asio::cancellation_type::terminal);
  try {
    if (throw_if_cancelled) co_await socket.async_wait(Socket::wait_read, loopscope::loop::use_nothrow_awaitable);
  } catch (const std::system_error& error) {
    use_awaitable_threw = error.code() == asio::error::operation_aborted;
  }
  WaitOutcome readable;
  co_await wait_until_ready(socket, Socket::wait_read, readable);
  result = readable;
}
}  // namespace

// Guards a wait_for() around readline: its operation runs in a thread that throws on
// cancellation, and a wait started after the cancellation must not park forever.
TEST(WaitUntilReady, DoesNotStartAfterACancellationWhenTheThreadThrowsOnCancellation) {
  asio::io_context context;
  SocketPair sockets(context);
  asio::cancellation_signal cancel;
  bool use_awaitable_threw = false;
  std::optional<WaitOutcome> result;
  asio::co_spawn(context, wait_after_being_cancelled(cancel, sockets.ours, true, use_awaitable_threw, result),
                 asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  context.run_for(kAtMost);  // returns as soon as nothing is left to do
  EXPECT_TRUE(use_awaitable_threw) << "what use_awaitable does, which wait_until_ready mirrors";
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->cancelled_before_start);
}

// Guards a connection's task, which says throw_if_cancelled(false): its cleanup may still wait.
TEST(WaitUntilReady, StartsAfterACancellationWhenTheThreadDoesNotThrowOnCancellation) {
  asio::io_context context;
  SocketPair sockets(context);
  asio::cancellation_signal cancel;
  bool use_awaitable_threw = false;
  std::optional<WaitOutcome> result;
  asio::co_spawn(context, wait_after_being_cancelled(cancel, sockets.ours, false, use_awaitable_threw, result),
                 asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  context.poll();
  EXPECT_FALSE(result) << "the wait started, and nothing is readable yet";
  sockets.peer_sends_a_byte();
  context.run_for(kAtMost);  // returns as soon as nothing is left to do
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->error);
  EXPECT_FALSE(result->cancelled_before_start);
}

namespace {
TaskEntryPoint parked_task(Socket& socket, bool& started, std::optional<WaitOutcome>& result) {
  started = true;
  co_await asio::this_coro::throw_if_cancelled(false);
  WaitOutcome readable;
  co_await wait_until_ready(socket, Socket::wait_read, readable);
  result = readable;
}
}  // namespace

// Guards launch_task against co_spawn: it runs the task at once, and passes on terminal
// cancellation only (co_spawn filters partial and total out as well).
TEST(LaunchTask, RunsAtOnceAndIsCancelledByTerminalCancellationOnly) {
  asio::io_context context;
  SocketPair sockets(context);
  asio::cancellation_signal cancel;
  bool started = false;
  std::optional<WaitOutcome> result;
  asio::post(context, [&] {
    loopscope::loop::launch_task(parked_task(sockets.ours, started, result), context.get_executor(), cancel.slot());
    EXPECT_TRUE(started) << "launch_task runs the task up to its first suspension";
  });
  context.poll();
  ASSERT_TRUE(started);
  cancel.emit(asio::cancellation_type::partial);
  cancel.emit(asio::cancellation_type::total);
  context.poll();
  EXPECT_FALSE(result) << "partial and total cancellation do not reach the task";
  cancel.emit(asio::cancellation_type::terminal);
  context.run_for(kAtMost);  // returns as soon as nothing is left to do
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error, asio::error::operation_aborted);
}
