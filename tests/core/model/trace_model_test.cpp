// The trace model: spans, counters, client links and the queries checks are built from.
#include <gtest/gtest.h>

#include "tests/support/trace_log_builder.hpp"

#include "core/model/model_queries.hpp"
#include "core/model/trace_model.hpp"

using loopscope::model::TaskState;
using loopscope::model::TimeRange;
using loopscope::model::TraceModel;
namespace trace = loopscope::trace;

namespace {

// The labels these tests refer to by id.
class LogBuilder : public loopscope::testing::TraceLogBuilder {
 public:
  LogBuilder() : TraceLogBuilder({"", "echo", "fast", "group-a"}) {}
};

constexpr auto kReadline = static_cast<std::uint8_t>(trace::AwaitKind::Readline);
constexpr auto kDrain = static_cast<std::uint8_t>(trace::AwaitKind::Drain);

LogBuilder one_task_story() {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 7, 0x7f000001, 0, 5000)
      .add(0, trace::EventKind::TaskSpawned, 7, 0, 0, 1)
      .add(100, trace::EventKind::TaskSuspended, 7, 0, kReadline)
      .add(300, trace::EventKind::TaskResumed, 7, 0, kReadline)
      .add(400, trace::EventKind::TaskSuspended, 7, 0, kDrain)
      .add(400, trace::EventKind::DrainStallBegin, 7, 70000)
      .add(1000, trace::EventKind::DrainStallEnd, 7, 16000)
      .add(1000, trace::EventKind::TaskResumed, 7, 0, kDrain)
      .add(1200, trace::EventKind::TaskExited, 7, 0, static_cast<std::uint8_t>(trace::ExitReason::PeerEof));
  return builder;
}

}  // namespace

TEST(TraceModel, TaskStatesBecomeContiguousSpans) {
  const auto model = TraceModel::from_log(one_task_story().log());
  const auto* task = model.task(7);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->handler, "echo");
  ASSERT_EQ(task->spans.size(), 6u);
  EXPECT_EQ(task->spans[1].state, TaskState::AwaitingRead);
  EXPECT_EQ(task->spans[1].begin_ns, 100u);
  EXPECT_EQ(task->spans[1].end_ns, 300u);
  EXPECT_EQ(task->spans[3].state, TaskState::AwaitingDrain);
  EXPECT_EQ(task->exit_reason, trace::ExitReason::PeerEof);
  for (std::size_t index = 1; index < task->spans.size(); ++index) {
    EXPECT_EQ(task->spans[index - 1].end_ns, task->spans[index].begin_ns) << "spans must not leave gaps";
  }
}

TEST(TraceModel, TimeInStateAndShareOverARange) {
  const auto model = TraceModel::from_log(one_task_story().log());
  const auto* task = model.task(7);
  EXPECT_EQ(loopscope::model::time_in_state_ns(model, *task, TaskState::AwaitingDrain, {}), 600u);
  EXPECT_EQ(loopscope::model::time_in_state_ns(model, *task, TaskState::AwaitingDrain, TimeRange{500, 700}), 200u);
  // Alive 0..1200: 600 of it in drain.
  EXPECT_DOUBLE_EQ(loopscope::model::share_in_state(model, {task}, TaskState::AwaitingDrain, {}), 0.5);
}

TEST(TraceModel, DrainStallsKeepTheirLevels) {
  const auto model = TraceModel::from_log(one_task_story().log());
  const auto* connection = model.connection(7);
  ASSERT_NE(connection, nullptr);
  ASSERT_EQ(connection->drain_stalls.size(), 1u);
  EXPECT_EQ(connection->drain_stalls[0].begin_level_bytes, 70000u);
  EXPECT_EQ(connection->drain_stalls[0].end_level_bytes, 16000u);
  EXPECT_EQ(connection->peer_port, 5000);
}

// Guards the join between the two sides: client and task meet on the port, in either order.
TEST(TraceModel, ClientsAreLinkedToTheirTasksByPort) {
  auto builder = one_task_story();
  builder.add(50, trace::EventKind::ClientStarted, 1, 3, 0, 2)
      .add(60, trace::EventKind::ClientConnected, 1, 0, 0, 5000)
      .add(900, trace::EventKind::ClientReply, 1, 800);
  auto log = builder.log();
  std::stable_sort(log.events.begin(), log.events.end(),
                   [](const auto& a, const auto& b) { return a.time_ns < b.time_ns; });
  const auto model = TraceModel::from_log(log);
  const auto clients = model.clients_in_group("group-a");
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(clients[0]->behaviour, "fast");
  ASSERT_TRUE(clients[0]->task.has_value());
  EXPECT_EQ(*clients[0]->task, 7u);
  EXPECT_EQ(model.tasks_of_group("group-a").size(), 1u);
}

TEST(TraceModel, IncrementalAppendEqualsBuildingAtOnce) {
  const auto story = one_task_story();
  const auto& log = story.log();
  TraceModel incremental;
  incremental.append(log, 0);
  TraceModel whole = TraceModel::from_log(log);
  EXPECT_EQ(incremental.task(7)->spans.size(), whole.task(7)->spans.size());
  TraceModel batched;
  batched.append(std::vector<trace::TraceEvent>(log.events.begin(), log.events.begin() + 4), log);
  batched.append(std::vector<trace::TraceEvent>(log.events.begin() + 4, log.events.end()), log);
  EXPECT_EQ(batched.task(7)->spans.size(), whole.task(7)->spans.size());
}

TEST(ModelQueries, PercentileUsesNearestRank) {
  EXPECT_FALSE(loopscope::model::percentile({}, 50).has_value());
  EXPECT_EQ(loopscope::model::percentile({5, 1, 3, 2, 4}, 50), 3u);
  EXPECT_EQ(loopscope::model::percentile({5, 1, 3, 2, 4}, 100), 5u);
  EXPECT_EQ(loopscope::model::percentile({5, 1, 3, 2, 4}, 0), 1u);
  EXPECT_EQ(loopscope::model::percentile({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 90), 90u);
}

TEST(ModelQueries, LoopFreezesLagAndUtilisation) {
  LogBuilder builder;
  builder.add(0, trace::EventKind::HandlerInvoked, 0, 250)
      .add(500, trace::EventKind::FreezeBegin, 3)
      .add(500, trace::EventKind::HandlerInvoked, 0, 400)
      .add(900, trace::EventKind::FreezeEnd, 3, 400)
      .add(905, trace::EventKind::LoopLag, 0, 390)
      .add(1000, trace::EventKind::LoopLag, 0, 2);
  const auto model = TraceModel::from_log(builder.log());
  EXPECT_EQ(loopscope::model::longest_freeze_ns(model, {}), 400u);
  EXPECT_EQ(loopscope::model::max_loop_lag_ns(model, {}), 390u);
  EXPECT_DOUBLE_EQ(loopscope::model::loop_utilisation(model, TimeRange{0, 1000}), 0.65);
}

TEST(ModelQueries, SpansInRangeFindsOnlyOverlappingSpans) {
  const auto model = TraceModel::from_log(one_task_story().log());
  const auto spans = loopscope::model::spans_in_range(*model.task(7), TimeRange{350, 450});
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].state, TaskState::Running);
  EXPECT_EQ(spans[1].state, TaskState::AwaitingDrain);
}

// Guards chat broadcasts: two tasks waiting on one connection's drain() must both get their
// stall closed, not leave the first one open to the end of the trace.
TEST(TraceModel, TwoWaitersOnOneConnectionBothEndTheirStalls) {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 3, 0x7f000001, 0, 4000)
      .add(10, trace::EventKind::DrainStallBegin, 3, 70000)
      .add(20, trace::EventKind::DrainStallBegin, 3, 71000)
      .add(50, trace::EventKind::DrainStallEnd, 3, 16000)
      .add(51, trace::EventKind::DrainStallEnd, 3, 16000);
  const auto model = TraceModel::from_log(builder.log());
  const auto& stalls = model.connection(3)->drain_stalls;
  ASSERT_EQ(stalls.size(), 2u);
  EXPECT_EQ(stalls[1].end_ns, 50u) << "the latest begin is matched first";
  EXPECT_EQ(stalls[0].end_ns, 51u);
}

TEST(TraceModel, ReadWaitAfterTheClientSentIsRunnable) {
  // Client 1 (port 5000) sends at 500 while its task waits in readline from 100; the loop
  // only resumes the task at 2000, so [500, 2000) is time the data was there and the task
  // waited for the loop.
  LogBuilder builder;
  builder.add(0, trace::EventKind::ClientStarted, 1, 3, 0, 2)
      .add(0, trace::EventKind::ConnectionAccepted, 7, 0x7f000001, 0, 5000)
      .add(0, trace::EventKind::TaskSpawned, 7, 0, 0, 1)
      .add(10, trace::EventKind::ClientConnected, 1, 0, 0, 5000)
      .add(100, trace::EventKind::TaskSuspended, 7, 0, kReadline)
      .add(500, trace::EventKind::ClientSent, 1, 16)
      .add(2000, trace::EventKind::TaskResumed, 7, 0, kReadline)
      .add(2100, trace::EventKind::TaskSuspended, 7, 0, kReadline);
  const auto model = TraceModel::from_log(builder.log());
  const auto* task = model.task(7);
  ASSERT_NE(task, nullptr);
  ASSERT_TRUE(task->client.has_value()) << "the client must be linked to its task by port";
  const auto spans = loopscope::model::spans_with_runnable(model, *task, TimeRange{});
  ASSERT_GE(spans.size(), 4u);
  EXPECT_EQ(spans[1].state, TaskState::AwaitingRead);
  EXPECT_EQ(spans[1].end_ns, 500u);
  EXPECT_EQ(spans[2].state, TaskState::Runnable);
  EXPECT_EQ(spans[2].begin_ns, 500u);
  EXPECT_EQ(spans[2].end_ns, 2000u);
  EXPECT_EQ(spans[3].state, TaskState::Running);
  // The stored spans are untouched: awaiting_read keeps the whole wait.
  EXPECT_EQ(loopscope::model::time_in_state_ns(model, *task, TaskState::AwaitingRead, TimeRange{0, 2100}), 1900u);
  EXPECT_EQ(loopscope::model::time_in_state_ns(model, *task, TaskState::Runnable, TimeRange{0, 2100}), 1500u);
}

// A live lesson's wait for its class: the model keeps each held stretch (the timeline draws it)
// and each prediction with when it was asked and answered, a reveal without an answer included.
TEST(TraceModel, KeepsTheLessonsHoldsAndPredictions) {
  using loopscope::trace::EventKind;
  loopscope::testing::TraceLogBuilder builder({"", "hello-loop"});
  builder.add(100, EventKind::LessonPredictionAsked, 0, 1)
      .add(150, EventKind::LessonHeld, 0, 1, static_cast<std::uint8_t>(loopscope::trace::HoldReason::Prediction))
      .add(900, EventKind::LessonPredictionAnswered, 0, 1, 0, 2)
      .add(910, EventKind::LessonResumed, 0, 1)
      .add(1000, EventKind::LessonPredictionAsked, 1, 1)
      .add(1200, EventKind::LessonHeld, 0, 1, static_cast<std::uint8_t>(loopscope::trace::HoldReason::Paused))
      .add(1300, EventKind::LessonPredictionAnswered, 1, 1, 0, loopscope::trace::kRevealedUnanswered);
  const auto model = loopscope::model::TraceModel::from_log(builder.log());
  ASSERT_EQ(model.lesson_holds().size(), 2u);
  EXPECT_EQ(model.lesson_holds()[0].begin_ns, 150u);
  EXPECT_EQ(model.lesson_holds()[0].end_ns, std::optional<std::uint64_t>(910));
  EXPECT_EQ(model.lesson_holds()[1].reason, loopscope::trace::HoldReason::Paused);
  EXPECT_FALSE(model.lesson_holds()[1].end_ns) << "still held";
  ASSERT_EQ(model.lesson_predictions().size(), 2u);
  EXPECT_EQ(model.lesson_predictions()[0].answered_ns, std::optional<std::uint64_t>(900));
  EXPECT_EQ(model.lesson_predictions()[0].choice, std::optional<std::uint16_t>(2));
  EXPECT_EQ(model.lesson_predictions()[1].answered_ns, std::optional<std::uint64_t>(1300));
  EXPECT_FALSE(model.lesson_predictions()[1].choice) << "revealed without an answer";
}
