// readline with a deadline: a silent client is timed out, and the cancelled read cleans up.
#include <gtest/gtest.h>

#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {
loopscope::handlers::HandlerSettings short_timeout() {
  loopscope::handlers::HandlerSettings settings;
  settings.read_timeout = 200ms;
  return settings;
}
}  // namespace

TEST(ReadlineTimeout, SilentClientIsToldAndClosed) {
  ServerHarness harness(short_timeout());
  LoopbackClient silent(harness.start("readline_timeout"));
  EXPECT_EQ(silent.read_line(5s), "timeout\n");
  std::string rest;
  EXPECT_TRUE(silent.read_until_eof(rest, 5s));

  ASSERT_TRUE(testing_::eventually([&] { return testing_::settled_connections(harness.drain()) == 1; }));
  const auto& log = harness.drain();
  const auto id = testing_::accepted_connections(log).at(0);
  // The readline was cancelled (visible), and the task itself ended normally afterwards.
  const auto cancelled = testing_::events_of(log, trace::EventKind::AwaitCancelled, id);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0].detail_as<trace::AwaitKind>(), trace::AwaitKind::Readline);
  EXPECT_EQ(testing_::exit_reason_of(log, id), trace::ExitReason::Returned);
  EXPECT_EQ(testing_::events_of(log, trace::EventKind::ConnectionClosed, id).at(0).detail_as<trace::CloseReason>(),
            trace::CloseReason::Closed);
}

TEST(ReadlineTimeout, PromptClientIsEchoedAndNotCancelled) {
  ServerHarness harness(short_timeout());
  LoopbackClient prompt(harness.start("readline_timeout"));
  for (int index = 0; index < 5; ++index) {
    prompt.send_all("line\n");
    EXPECT_EQ(prompt.read_line(), "line\n");
  }
  EXPECT_EQ(testing_::count_of(harness.drain(), trace::EventKind::AwaitCancelled), 0u);
}

// Guards wait_for against waiting out the timeout when the read itself fails: the real error
// must surface at once, not as a timeout.
TEST(ReadlineTimeout, AnOverlongLineFailsAtOnceNotAtTheDeadline) {
  loopscope::handlers::HandlerSettings settings;
  settings.read_timeout = 5s;
  ServerHarness harness(settings);
  loopscope::loop::ServerOptions options;
  options.limits.line_limit_bytes = 100;
  LoopbackClient client(harness.start("readline_timeout", options));
  const auto sent = std::chrono::steady_clock::now();
  client.send_all(std::string(500, 'x'));
  std::string received;
  EXPECT_TRUE(client.read_until_eof(received, 10s));
  EXPECT_EQ(received.find("timeout"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 2500ms) << "the error waited for the deadline";
  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(harness.drain(), trace::EventKind::TaskExited) == 1; }));
  const auto& log = harness.drain();
  EXPECT_EQ(testing_::exit_reason_of(log, testing_::accepted_connections(log).at(0)), trace::ExitReason::Error);
}

// Guards shutdown during wait_for: the task is cancelled, not failed with an error.
TEST(ReadlineTimeout, ShutdownDuringTheWaitCancelsTheTask) {
  loopscope::handlers::HandlerSettings settings;
  settings.read_timeout = 30s;
  ServerHarness harness(settings);
  LoopbackClient client(harness.start("readline_timeout"));
  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(harness.drain(), trace::EventKind::TaskSuspended) >= 1; }));
  harness.server().close(1000ms);
  const auto& log = harness.drain();
  const auto id = testing_::accepted_connections(log).at(0);
  EXPECT_EQ(testing_::exit_reason_of(log, id), trace::ExitReason::Cancelled);
  const auto closed = testing_::events_of(log, trace::EventKind::ConnectionClosed, id);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].detail_as<trace::CloseReason>(), trace::CloseReason::Closed);
}
