// The warnings: each mistake in a hand-built trace names itself, at its moment, with its task
// and its line; the same trace without the mistake raises nothing.
#include <gtest/gtest.h>

#include "core/model/trace_model.hpp"
#include "core/model/warnings.hpp"
#include "tests/support/trace_log_builder.hpp"

namespace model = loopscope::model;
namespace trace = loopscope::trace;
using model::WarningKind;
using trace::EventKind;

namespace {

constexpr std::uint64_t kMs = 1'000'000;
constexpr auto kReadline = static_cast<std::uint8_t>(trace::AwaitKind::Readline);
constexpr auto kDrain = static_cast<std::uint8_t>(trace::AwaitKind::Drain);
constexpr auto kWaitClosed = static_cast<std::uint8_t>(trace::AwaitKind::WaitClosed);
constexpr auto kWriter = static_cast<std::uint8_t>(trace::BufferKind::Writer);

// Sites 1..3 as a handler's source would give them.
class Builder : public loopscope::testing::TraceLogBuilder {
 public:
  Builder()
      : TraceLogBuilder({"", "blocking_sleep", "echo"},
                        {{"core/handlers/blocking_sleep.cpp", "", 10, 5},
                         {"core/handlers/blocking_sleep.cpp", "", 12, 5},
                         {"core/handlers/blocking_sleep.cpp", "", 14, 5}}) {}

  // A task of `handler_label` on connection `id` that has read one line.
  Builder& task_reading(std::uint32_t id, std::uint64_t at_ns, std::uint16_t handler_label = 1) {
    add(at_ns, EventKind::ConnectionAccepted, id, 0x7f000001, 0, static_cast<std::uint16_t>(40000 + id));
    add(at_ns, EventKind::TaskSpawned, id, 0, 0, handler_label);
    add(at_ns, EventKind::TaskSuspended, id, 0, kReadline, 0, 1);
    return *this;
  }
};

std::vector<model::Warning> warnings_of(const Builder& builder) {
  const auto built = model::TraceModel::from_log(builder.log());
  return model::find_warnings(built, builder.log());
}

// One handler run of `run_ns` right after a readline at 1 ms, then a drain at site 3.
Builder one_long_run(std::uint64_t run_ns, bool blocking_call) {
  Builder builder;
  builder.task_reading(7, 0);
  builder.add(1 * kMs, EventKind::TaskResumed, 7, 0, kReadline, 0, 1);
  if (blocking_call) builder.add(1 * kMs + 1000, EventKind::BlockingCall, 7, run_ns - 2000, 0, 0, 2);
  builder.add(1 * kMs + run_ns, EventKind::TaskSuspended, 7, 0, kDrain, 0, 3);
  builder.add(1 * kMs, EventKind::HandlerInvoked, 0, run_ns);
  return builder;
}

}  // namespace

TEST(Warnings, ABlockingCallThatHeldTheLoopIsNamedAtItsLine) {
  const auto warnings = warnings_of(one_long_run(400 * kMs, true));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::SlowCallback);
  EXPECT_EQ(warnings[0].task, 7u);
  EXPECT_EQ(warnings[0].site, 2u);
  EXPECT_EQ(warnings[0].time_ns, 1 * kMs);
  EXPECT_NE(warnings[0].message.find("blocking_sleep.cpp:12"), std::string::npos) << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("400 ms"), std::string::npos) << warnings[0].message;
}

TEST(Warnings, CpuWorkWithoutAnAwaitNamesTheTaskAndTheAwaitsAroundIt) {
  const auto warnings = warnings_of(one_long_run(250 * kMs, false));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::NoAwait);
  EXPECT_EQ(warnings[0].task, 7u);
  EXPECT_EQ(warnings[0].site, 1u);  // where the run began: back from the readline
  EXPECT_NE(warnings[0].message.find("without reaching an await"), std::string::npos);
  EXPECT_NE(warnings[0].message.find("blocking_sleep.cpp:10"), std::string::npos) << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("writer.drain() at blocking_sleep.cpp:14"), std::string::npos)
      << warnings[0].message;
}

// asyncio's slow_callback_duration is 100 ms: a 60 ms callback is not worth a warning.
TEST(Warnings, CallbacksUnderTheThresholdRaiseNothing) {
  EXPECT_TRUE(warnings_of(one_long_run(60 * kMs, true)).empty());
  EXPECT_TRUE(warnings_of(one_long_run(60 * kMs, false)).empty());
  model::WarningThresholds strict;
  strict.slow_callback_ns = 50 * kMs;
  const Builder builder = one_long_run(60 * kMs, false);
  EXPECT_EQ(model::find_warnings(model::TraceModel::from_log(builder.log()), builder.log(), strict).size(), 1u);
}

// Live: the callback has not ended, so only the watchdog's freeze says the loop is stuck.
TEST(Warnings, AFreezeStillInProgressIsReportedWhileTheLoopIsStuck) {
  Builder builder;
  builder.task_reading(7, 0);
  builder.add(1 * kMs, EventKind::TaskResumed, 7, 0, kReadline, 0, 1);
  builder.add(1 * kMs, EventKind::FreezeBegin, 7, 0, 0, 0, 1);
  builder.add(300 * kMs, EventKind::ClientSent, 1, 10);  // time goes on elsewhere
  const auto warnings = warnings_of(builder);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::SlowCallback);
  EXPECT_EQ(warnings[0].task, 7u);
  EXPECT_NE(warnings[0].message.find("still stuck"), std::string::npos);
}

// Live, nothing may be recorded while the loop is stuck: the session clock says how long.
TEST(Warnings, AStuckLoopIsTimedByTheClockWhenNoEventArrives) {
  Builder builder;
  builder.task_reading(7, 0);
  builder.add(1 * kMs, EventKind::TaskResumed, 7, 0, kReadline, 0, 1);
  builder.add(50 * kMs, EventKind::FreezeBegin, 7, 0, 0, 0, 2);
  const auto built = model::TraceModel::from_log(builder.log());
  EXPECT_TRUE(model::find_warnings(built, builder.log()).empty());
  const auto warnings = model::find_warnings(built, builder.log(), {}, 400 * kMs);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("350 ms"), std::string::npos) << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("last seen at blocking_sleep.cpp:12"), std::string::npos) << warnings[0].message;
}

namespace {
Builder writer_growing(bool drains) {
  Builder builder;
  builder.task_reading(3, 0, 2);
  builder.add(0, EventKind::BufferLimit, 3, 65536, kWriter, static_cast<std::uint16_t>(trace::LimitKind::HighWater));
  builder.add(1 * kMs, EventKind::TaskResumed, 3, 0, kReadline, 0, 1);
  builder.add(1 * kMs, EventKind::BufferLevel, 3, 70000, kWriter);
  if (drains) {
    builder.add(1 * kMs, EventKind::TaskSuspended, 3, 0, kDrain, 0, 3);
    builder.add(1 * kMs, EventKind::DrainStallBegin, 3, 70000, 0, 0, 3);
  } else {
    builder.add(1 * kMs, EventKind::TaskSuspended, 3, 0, kReadline, 0, 1);
  }
  // The next lines arrive; each run writes again (no drain: the buffer only grows).
  for (std::uint64_t at_ms : {2, 3}) {
    if (!drains) builder.add(at_ms * kMs, EventKind::TaskResumed, 3, 0, kReadline, 0, 1);
    builder.add(at_ms * kMs, EventKind::BufferLevel, 3, drains ? 80000 - 30000 * (at_ms - 1) : 70000 * at_ms, kWriter);
    if (!drains) builder.add(at_ms * kMs, EventKind::TaskSuspended, 3, 0, kReadline, 0, 1);
  }
  return builder;
}
}  // namespace

TEST(Warnings, AWriterBufferThatKeepsGrowingPastHighWaterWithNoDrainIsNamed) {
  const auto warnings = warnings_of(writer_growing(false));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::WriteWithoutDrain);
  EXPECT_EQ(warnings[0].task, 3u);
  EXPECT_EQ(warnings[0].time_ns, 1 * kMs);
  EXPECT_EQ(warnings[0].value, 210000u);
  EXPECT_EQ(warnings[0].site, 1u);  // it went back to the readline instead
  EXPECT_NE(warnings[0].message.find("no drain()"), std::string::npos);
}

TEST(Warnings, AWriterThatDrainsRaisesNothing) { EXPECT_TRUE(warnings_of(writer_growing(true)).empty()); }

// One big write then drain(): far above high water at once, but it never grows further.
TEST(Warnings, OneLargeWriteFollowedByDrainRaisesNothing) {
  Builder builder;
  builder.task_reading(3, 0, 2);
  builder.add(0, EventKind::BufferLimit, 3, 65536, kWriter, static_cast<std::uint16_t>(trace::LimitKind::HighWater));
  builder.add(1 * kMs, EventKind::TaskResumed, 3, 0, kReadline, 0, 1);
  builder.add(1 * kMs, EventKind::BufferLevel, 3, 1'000'000, kWriter);
  builder.add(1 * kMs, EventKind::TaskSuspended, 3, 0, kDrain, 0, 3);
  builder.add(1 * kMs, EventKind::DrainStallBegin, 3, 1'000'000, 0, 0, 3);
  builder.add(2 * kMs, EventKind::BufferLevel, 3, 500'000, kWriter);
  EXPECT_TRUE(warnings_of(builder).empty());
}

namespace {
Builder task_that_closes(trace::CloseReason reason, int wait_closed) {  // 0 none, 1 suspended, 2 at once
  Builder builder;
  builder.task_reading(5, 0, 2);
  builder.add(1 * kMs, EventKind::TaskResumed, 5, 0, kReadline, 0, 1);
  builder.add(1 * kMs, EventKind::ConnectionClosed, 5, 0x7f000001, static_cast<std::uint8_t>(reason), 40005);
  if (wait_closed == 1) {
    builder.add(1 * kMs, EventKind::TaskSuspended, 5, 0, kWaitClosed, 0, 3);
    builder.add(2 * kMs, EventKind::TaskResumed, 5, 0, kWaitClosed, 0, 3);
  }
  if (wait_closed == 2) builder.add(1 * kMs, EventKind::AwaitReady, 5, 0, kWaitClosed, 0, 3);
  builder.add(2 * kMs, EventKind::TaskExited, 5, 0,
              static_cast<std::uint8_t>(reason == trace::CloseReason::Leaked ? trace::ExitReason::PeerEof
                                                                               : trace::ExitReason::Returned));
  return builder;
}
}  // namespace

TEST(Warnings, AHandlerThatNeverClosesItsConnectionIsNamed) {
  const auto warnings = warnings_of(task_that_closes(trace::CloseReason::Leaked, 0));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::ConnectionLeaked);
  EXPECT_EQ(warnings[0].task, 5u);
  EXPECT_NE(warnings[0].message.find("without writer.close()"), std::string::npos);
}

TEST(Warnings, ACloseNeverAwaitedIsNamedAndAnAwaitedOneIsNot) {
  const auto warnings = warnings_of(task_that_closes(trace::CloseReason::Closed, 0));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::CloseNotAwaited);
  EXPECT_EQ(warnings[0].time_ns, 2 * kMs);  // when the task ended without it
  EXPECT_TRUE(warnings_of(task_that_closes(trace::CloseReason::Closed, 1)).empty());
  // wait_closed() on a connection already closed does not suspend; await_ready says it was called.
  EXPECT_TRUE(warnings_of(task_that_closes(trace::CloseReason::Closed, 2)).empty());
}

namespace {
// Three echo tasks read a line every 10 ms; task 9 waits `slow_wait_ns` in one readline.
Builder peers_and_one_slow_reader(std::uint64_t slow_wait_ns, bool slow_one_has_deadline) {
  Builder builder;
  for (std::uint32_t id : {1u, 2u, 9u}) builder.task_reading(id, 0, 2);
  std::uint64_t now = 0;
  for (int round = 1; round <= 10; ++round) {
    now = static_cast<std::uint64_t>(round) * 10 * kMs;
    for (std::uint32_t id : {1u, 2u}) {
      builder.add(now, EventKind::TaskResumed, id, 0, kReadline, 0, 1);
      builder.add(now, EventKind::TaskSuspended, id, 0, kReadline, 0, 1);
    }
  }
  for (std::uint32_t id : {1u, 2u}) {  // the peers' clients leave; their tasks end
    builder.add(now + kMs, EventKind::TaskExited, id, 0, static_cast<std::uint8_t>(trace::ExitReason::PeerEof));
  }
  if (slow_one_has_deadline) {
    builder.add(slow_wait_ns, EventKind::AwaitCancelled, 9, 0, kReadline, 0, 1);
  }
  builder.add(slow_wait_ns, EventKind::TaskResumed, 9, 0, kReadline, 0, 1);
  return builder;
}
}  // namespace

TEST(Warnings, AReadFarLongerThanItsPeersWithNoDeadlineIsNamed) {
  const auto warnings = warnings_of(peers_and_one_slow_reader(3000 * kMs, false));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::ReadWithoutDeadline);
  EXPECT_EQ(warnings[0].task, 9u);
  EXPECT_EQ(warnings[0].duration_ns, 3000 * kMs);
  EXPECT_NE(warnings[0].message.find("3.0 s"), std::string::npos) << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("no deadline"), std::string::npos);
}

TEST(Warnings, AReadWithADeadlineOrOnlyALittleSlowerRaisesNothing) {
  EXPECT_TRUE(warnings_of(peers_and_one_slow_reader(3000 * kMs, true)).empty());
  EXPECT_TRUE(warnings_of(peers_and_one_slow_reader(50 * kMs, false)).empty());
}

TEST(Warnings, DroppedEventsAreAWarningAtTheFirstDrop) {
  Builder builder;
  builder.add(5 * kMs, EventKind::EventsDropped, 0, 12);
  builder.add(9 * kMs, EventKind::EventsDropped, 0, 3);
  const auto warnings = warnings_of(builder);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::EventsDropped);
  EXPECT_EQ(warnings[0].time_ns, 5 * kMs);
  EXPECT_EQ(warnings[0].value, 15u);
}

TEST(Warnings, EveryKindHasAnIdATitleAWhyAndAFixAndIdsRoundTrip) {
  for (int index = 0; index < model::kWarningKindCount; ++index) {
    const auto kind = static_cast<WarningKind>(index);
    EXPECT_FALSE(model::warning_title(kind).empty());
    EXPECT_FALSE(model::warning_why(kind).empty());
    EXPECT_FALSE(model::warning_fix(kind).empty());
    EXPECT_EQ(model::warning_kind_from_id(model::warning_kind_id(kind)), kind);
  }
  EXPECT_FALSE(model::warning_kind_from_id("no_such_warning").has_value());
}
