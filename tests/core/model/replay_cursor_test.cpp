// Replaying a trace: the model at replay time t is the model the live run had at t, whichever
// way the cursor got there; steps and breakpoints land on the events they name.
#include <gtest/gtest.h>

#include "tests/support/trace_log_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/model/model_queries.hpp"
#include "core/model/replay_cursor.hpp"
#include "core/model/trace_model.hpp"
#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "scenarios/lessons/lesson_runner.hpp"
#include "tests/support/trace_queries.hpp"

using loopscope::model::ReplayCursor;
using loopscope::model::StepKind;
using loopscope::model::StopReason;
using loopscope::model::TraceModel;
namespace model = loopscope::model;
namespace trace = loopscope::trace;

namespace {

// ---- Comparing models: one line per fact, so a mismatch names the first fact that differs.

template <class T>
std::string text_of(const std::optional<T>& value) {
  if (!value) return "-";
  std::ostringstream text;
  if constexpr (std::is_enum_v<T>) {
    text << static_cast<int>(*value);
  } else {
    text << *value;
  }
  return text.str();
}

std::vector<std::string> facts_of(const TraceModel& m) {
  std::vector<std::string> facts;
  const auto add = [&facts](const std::ostringstream& line) { facts.push_back(line.str()); };
  {
    std::ostringstream line;
    line << "model end " << m.end_ns() << " dropped " << m.dropped_events() << " cancelled " << m.cancelled_awaits();
    add(line);
  }
  for (const auto& [id, task] : m.tasks()) {
    std::ostringstream line;
    line << "task " << id << " id " << task.id << " handler '" << task.handler << "' client " << text_of(task.client)
         << " spawned " << task.spawned_ns << " exited " << text_of(task.exited_ns) << " reason "
         << text_of(task.exit_reason) << " spans " << task.spans.size();
    add(line);
    for (const auto& span : task.spans) {
      std::ostringstream span_line;
      span_line << "  task " << id << " span " << span.begin_ns << ".." << span.end_ns << " state "
                << static_cast<int>(span.state) << " site " << span.site;
      add(span_line);
    }
  }
  for (const auto& [id, connection] : m.connections()) {
    std::ostringstream line;
    line << "conn " << id << " id " << connection.id << " port " << connection.peer_port << " accepted "
         << connection.accepted_ns << " closed " << text_of(connection.closed_ns) << " reason "
         << text_of(connection.close_reason) << " water " << connection.high_water_bytes << "/"
         << connection.low_water_bytes << " line " << connection.line_limit_bytes << " bytes "
         << connection.bytes_received << "/" << connection.bytes_sent << " reads " << connection.reads << " errors "
         << connection.errors.size();
    add(line);
    for (std::size_t kind = 0; kind < connection.levels.size(); ++kind) {
      std::ostringstream level_line;
      level_line << "  conn " << id << " buffer " << kind << " peak " << connection.peak_bytes[kind] << " samples";
      for (const auto& sample : connection.levels[kind]) level_line << " " << sample.time_ns << "=" << sample.value;
      add(level_line);
    }
    for (const auto& stall : connection.drain_stalls) {
      std::ostringstream stall_line;
      stall_line << "  conn " << id << " drain stall " << stall.begin_ns << ".." << stall.end_ns << " levels "
                 << stall.begin_level_bytes << ".." << stall.end_level_bytes;
      add(stall_line);
    }
  }
  for (const auto& [id, client] : m.clients()) {
    std::ostringstream line;
    line << "client " << id << " id " << client.id << " '" << client.behaviour << "' group '" << client.group
         << "' port " << client.local_port << " task " << text_of(client.task) << " started " << client.started_ns
         << " finished " << text_of(client.finished_ns) << " end " << text_of(client.end) << " bytes "
         << client.bytes_sent << "/" << client.bytes_received << " replies";
    for (const auto& reply : client.replies) line << " " << reply.time_ns << ":" << reply.latency_ns;
    line << " sends";
    for (const auto send_ns : client.send_times_ns) line << " " << send_ns;
    add(line);
  }
  const auto& loop = m.loop();
  {
    std::ostringstream line;
    line << "loop busy " << loop.busy.size() << " lag " << loop.lag.size() << " blocking " << loop.blocking_calls.size();
    for (const auto& busy : loop.busy) line << " " << busy.begin_ns << ".." << busy.end_ns;
    for (const auto& lag : loop.lag) line << " lag " << lag.time_ns << "=" << lag.value;
    for (const auto& call : loop.blocking_calls) line << " blocking " << call.begin_ns << ".." << call.end_ns;
    add(line);
  }
  for (const auto& freeze : loop.freezes) {
    std::ostringstream line;
    line << "freeze " << freeze.begin_ns << ".." << freeze.end_ns << " task " << freeze.task << " site " << freeze.site;
    add(line);
  }
  for (const auto& mark : m.marks()) {
    std::ostringstream line;
    line << "mark " << mark.time_ns << " '" << mark.text << "'";
    add(line);
  }
  return facts;
}

testing::AssertionResult same_model(const TraceModel& expected, const TraceModel& actual) {
  const auto want = facts_of(expected);
  const auto got = facts_of(actual);
  for (std::size_t index = 0; index < std::min(want.size(), got.size()); ++index) {
    if (want[index] != got[index]) {
      return testing::AssertionFailure() << "fact " << index << " differs\n  expected: " << want[index]
                                         << "\n  actual:   " << got[index];
    }
  }
  if (want.size() != got.size()) {
    return testing::AssertionFailure() << "expected " << want.size() << " facts, got " << got.size();
  }
  return testing::AssertionSuccess();
}

// The reference for "the model at time t": a log cut after t, built from scratch.
TraceModel model_of_prefix(const trace::TraceLog& log, std::uint64_t time_ns) {
  trace::TraceLog prefix = log;
  std::erase_if(prefix.events, [time_ns](const trace::TraceEvent& event) { return event.time_ns > time_ns; });
  return TraceModel::from_log(prefix);
}

// ---- A real run: drain-backpressure on real sockets, recorded once for the whole suite.

class ReplayOfALesson : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const auto& builtin : loopscope::scenarios::builtin_lessons()) {
      if (builtin.name != "drain-backpressure") continue;
      const auto lesson = loopscope::scenarios::parse_lesson(builtin.json_text, std::string(builtin.name));
      loopscope::scenarios::LessonRunOptions options;
      options.print_narration = false;
      std::ostringstream narration;
      result_ = new loopscope::scenarios::LessonRunResult(loopscope::scenarios::run_lesson(lesson, options, narration));
    }
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(result_, nullptr) << "the built-in lesson drain-backpressure is missing";
    ASSERT_FALSE(result_->timed_out);
    ASSERT_GT(loopscope::testing::count_of(log(), trace::EventKind::DrainStallBegin), 1u)
        << "the lesson should stall in drain() more than once";
  }
  static const trace::TraceLog& log() { return result_->trace; }

  static inline loopscope::scenarios::LessonRunResult* result_ = nullptr;
};

// ---- A hand-made trace with known times for stepping and breakpoints.

class LogBuilder : public loopscope::testing::TraceLogBuilder {
 public:
  LogBuilder() : TraceLogBuilder({"", "echo", "fast", "group-a"}) {}
};

constexpr auto kReadline = static_cast<std::uint8_t>(trace::AwaitKind::Readline);
constexpr auto kDrain = static_cast<std::uint8_t>(trace::AwaitKind::Drain);

// Task 7 reads (suspensions at 100, 400, 1500), stalls in drain twice (400..1000, 1500..1800),
// a freeze 2000..2600, replies to client 1 at 1100 and 2700, events at 0 and up to 3000.
trace::TraceLog known_story() {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 7, 0x7f000001, 0, 5000)
      .add(0, trace::EventKind::TaskSpawned, 7, 0, 0, 1)
      .add(50, trace::EventKind::ClientStarted, 1, 3, 0, 2)
      .add(100, trace::EventKind::TaskSuspended, 7, 0, kReadline)
      .add(300, trace::EventKind::TaskResumed, 7, 0, kReadline)
      .add(400, trace::EventKind::TaskSuspended, 7, 0, kDrain)
      .add(400, trace::EventKind::DrainStallBegin, 7, 70000)
      .add(1000, trace::EventKind::DrainStallEnd, 7, 16000)
      .add(1000, trace::EventKind::TaskResumed, 7, 0, kDrain)
      .add(1100, trace::EventKind::ClientReply, 1, 900)
      .add(1500, trace::EventKind::TaskSuspended, 7, 0, kDrain)
      .add(1500, trace::EventKind::DrainStallBegin, 7, 80000)
      .add(1800, trace::EventKind::DrainStallEnd, 7, 16000)
      .add(1800, trace::EventKind::TaskResumed, 7, 0, kDrain)
      .add(2000, trace::EventKind::FreezeBegin, 7)
      .add(2600, trace::EventKind::FreezeEnd, 7, 600)
      .add(2700, trace::EventKind::ClientReply, 1, 1500)
      .add(3000, trace::EventKind::TaskExited, 7, 0, static_cast<std::uint8_t>(trace::ExitReason::PeerEof));
  return builder.log();
}

std::size_t open_drain_stalls(const TraceModel& m) {
  std::size_t open = 0;
  for (const auto& [id, connection] : m.connections()) {
    for (const auto& stall : connection.drain_stalls) open += stall.end_ns == model::kOpenEnd ? 1 : 0;
  }
  return open;
}

std::size_t drain_stalls(const TraceModel& m) {
  std::size_t stalls = 0;
  for (const auto& [id, connection] : m.connections()) stalls += connection.drain_stalls.size();
  return stalls;
}

}  // namespace

// Guards the "a replay rebuilds the same model as the live run it recorded".
TEST_F(ReplayOfALesson, SeekingToTheEndRebuildsTheModelOfTheRecordedRun) {
  const TraceModel recorded = TraceModel::from_log(log());
  ReplayCursor cursor(log());
  cursor.seek(cursor.end_ns());
  EXPECT_EQ(cursor.time_ns(), log().end_ns());
  EXPECT_TRUE(same_model(recorded, cursor.model()));
  EXPECT_FALSE(recorded.connections().empty());
  EXPECT_FALSE(recorded.clients().empty());
  // Checkpoints taken on the way must not change what the model ends up holding.
  ReplayCursor with_checkpoints(log(), 97);
  with_checkpoints.seek(with_checkpoints.end_ns());
  EXPECT_GT(with_checkpoints.checkpoint_count(), 0u);
  EXPECT_TRUE(same_model(recorded, with_checkpoints.model()));
}

// Guards scrubbing: going back restores from a checkpoint and replays, and must give exactly
// the model of the events up to that time, open spans included.
TEST_F(ReplayOfALesson, ScrubbingBackAndForthMatchesAModelOfThePrefix) {
  const std::uint64_t end_ns = log().end_ns();
  ReplayCursor cursor(log(), 97);  // a lesson records ~2,000 events: take many checkpoints
  for (const std::uint64_t time_ns : {end_ns / 2, end_ns / 5, end_ns / 5 + 1, end_ns * 3 / 4, std::uint64_t{0},
                                      end_ns, end_ns / 3}) {
    cursor.seek(time_ns);
    EXPECT_EQ(cursor.time_ns(), time_ns);
    EXPECT_TRUE(same_model(model_of_prefix(log(), time_ns), cursor.model())) << "at " << time_ns << " ns";
  }
}

// Guards "a span still open at the replay time is open in the model": when the first drain
// stall has begun and its task has suspended in drain(), neither has an end yet.
TEST_F(ReplayOfALesson, DuringTheFirstDrainStallTheStallAndItsWaitAreOpen) {
  ReplayCursor cursor(log());
  cursor.seek(cursor.end_ns());  // so the way there is backwards, through a rebuild
  cursor.seek(0);
  ASSERT_TRUE(cursor.step_forward(StepKind::DrainStall));
  const auto first_stall = loopscope::testing::events_of(log(), trace::EventKind::DrainStallBegin).front();
  EXPECT_EQ(cursor.time_ns(), first_stall.time_ns);
  // drain() records the stall, then its suspension: step to that suspension.
  std::optional<std::uint64_t> suspended_ns;
  for (const auto& event : loopscope::testing::events_of(log(), trace::EventKind::TaskSuspended, first_stall.subject_id)) {
    if (event.time_ns >= first_stall.time_ns && event.detail_as<trace::AwaitKind>() == trace::AwaitKind::Drain) {
      suspended_ns = event.time_ns;
      break;
    }
  }
  ASSERT_TRUE(suspended_ns);
  cursor.seek(*suspended_ns);
  const auto* connection = cursor.model().connection(first_stall.subject_id);
  ASSERT_NE(connection, nullptr);
  ASSERT_EQ(connection->drain_stalls.size(), 1u);
  EXPECT_EQ(connection->drain_stalls.back().end_ns, model::kOpenEnd);
  const auto* task = cursor.model().task(first_stall.subject_id);
  ASSERT_NE(task, nullptr);
  ASSERT_FALSE(task->spans.empty());
  EXPECT_EQ(task->spans.back().end_ns, model::kOpenEnd);
  EXPECT_EQ(task->spans.back().state, model::TaskState::AwaitingDrain);
  EXPECT_TRUE(same_model(model_of_prefix(log(), *suspended_ns), cursor.model()));
}

// Guards "pause at the Nth drain stall" on a real recording played at 1x in 16 ms frames.
TEST_F(ReplayOfALesson, PlaybackStopsExactlyAtTheSecondDrainStall) {
  const auto stalls = loopscope::testing::events_of(log(), trace::EventKind::DrainStallBegin);
  ReplayCursor cursor(log());
  const std::size_t breakpoint = cursor.add_breakpoint(StepKind::DrainStall, 2);
  model::AdvanceResult result;
  const std::uint64_t frame_ns = 16'000'000;
  const std::uint64_t frames_to_end = log().end_ns() / frame_ns + 2;
  for (std::uint64_t frame = 0; frame < frames_to_end && !result.stopped; ++frame) {
    result = cursor.advance_by(frame_ns, 1.0);
  }
  ASSERT_TRUE(result.stopped);
  EXPECT_EQ(result.reason, StopReason::Breakpoint);
  EXPECT_EQ(result.breakpoint_index, breakpoint);
  EXPECT_EQ(result.time_ns, stalls[1].time_ns);
  EXPECT_EQ(cursor.time_ns(), stalls[1].time_ns);
  EXPECT_EQ(drain_stalls(cursor.model()), 2u);
  EXPECT_GE(open_drain_stalls(cursor.model()), 1u) << "the stall that just began is still open";
  EXPECT_TRUE(same_model(model_of_prefix(log(), stalls[1].time_ns), cursor.model()));
}

// Guards the overload replay builds on: events past end_index stay out, and appending the rest
// later gives the same model as taking the whole log at once.
TEST(TraceModelAppend, AppendUpToAnIndexStopsThereAndTheRestCanFollow) {
  const auto log = known_story();
  TraceModel in_parts;
  in_parts.append(log, 0, 6);  // up to the first drain suspension, without its stall
  ASSERT_NE(in_parts.task(7), nullptr);
  EXPECT_EQ(in_parts.task(7)->spans.back().state, model::TaskState::AwaitingDrain);
  EXPECT_EQ(in_parts.task(7)->spans.back().end_ns, model::kOpenEnd);
  EXPECT_TRUE(in_parts.connection(7)->drain_stalls.empty());
  EXPECT_EQ(in_parts.end_ns(), 400u);
  in_parts.append(log, 6, log.events.size() + 10);  // an end past the log is the log's end
  EXPECT_TRUE(same_model(TraceModel::from_log(log), in_parts));
}

TEST(ReplayCursor, StartsAtTimeZeroWithTheEventsStampedZero) {
  const auto log = known_story();
  ReplayCursor cursor(log);
  EXPECT_EQ(cursor.time_ns(), 0u);
  EXPECT_EQ(cursor.end_ns(), 3000u);
  ASSERT_NE(cursor.model().task(7), nullptr);
  EXPECT_EQ(cursor.model().task(7)->spans.back().end_ns, model::kOpenEnd);
  EXPECT_TRUE(cursor.model().clients().empty());
}

TEST(ReplayCursor, SeekPastTheEndStopsAtTheLastEvent) {
  const auto log = known_story();
  ReplayCursor cursor(log);
  cursor.seek(1'000'000);
  EXPECT_EQ(cursor.time_ns(), 3000u);
  EXPECT_TRUE(cursor.at_end());
}

// Guards stepping by kind in both directions: strictly after / before, landing on the event.
TEST(ReplayCursor, StepsLandOnTheNextAndPreviousEventOfEachKind) {
  const auto log = known_story();
  ReplayCursor cursor(log);
  const auto forward = [&cursor](StepKind kind) {
    std::vector<std::uint64_t> times;
    for (int guard = 0; guard < 100 && cursor.step_forward(kind); ++guard) times.push_back(cursor.time_ns());
    return times;
  };
  const auto backward = [&cursor](StepKind kind) {
    std::vector<std::uint64_t> times;
    for (int guard = 0; guard < 100 && cursor.step_backward(kind); ++guard) times.push_back(cursor.time_ns());
    return times;
  };
  using Times = std::vector<std::uint64_t>;
  cursor.seek(0);
  EXPECT_EQ(forward(StepKind::Suspension), (Times{100, 400, 1500}));
  EXPECT_EQ(backward(StepKind::Suspension), (Times{400, 100}));
  cursor.seek(0);
  EXPECT_EQ(forward(StepKind::DrainStall), (Times{400, 1500}));
  EXPECT_EQ(backward(StepKind::DrainStall), (Times{400}));
  cursor.seek(0);
  EXPECT_EQ(forward(StepKind::Freeze), (Times{2000}));
  EXPECT_EQ(backward(StepKind::Freeze), Times{});
  cursor.seek(0);
  EXPECT_EQ(forward(StepKind::ClientReply), (Times{1100, 2700}));
  EXPECT_EQ(backward(StepKind::ClientReply), (Times{1100}));
  cursor.seek(0);
  EXPECT_EQ(forward(StepKind::AnyEvent),
            (Times{50, 100, 300, 400, 1000, 1100, 1500, 1800, 2000, 2600, 2700, 3000}));
  EXPECT_EQ(backward(StepKind::AnyEvent), (Times{2700, 2600, 2000, 1800, 1500, 1100, 1000, 400, 300, 100, 50, 0}));
}

TEST(ReplayCursor, StepsBetweenEventsAndAtTheEndsAreStrict) {
  const auto log = known_story();
  ReplayCursor cursor(log);
  cursor.seek(1200);  // between the first reply (1100) and the second suspension (1500)
  EXPECT_EQ(cursor.next_event_time(StepKind::Suspension), 1500u);
  EXPECT_EQ(cursor.previous_event_time(StepKind::Suspension), 400u);
  EXPECT_EQ(cursor.next_event_time(StepKind::AnyEvent), 1500u);
  EXPECT_EQ(cursor.previous_event_time(StepKind::AnyEvent), 1100u);
  cursor.seek(1500);  // on a suspension: neither direction returns it
  EXPECT_EQ(cursor.next_event_time(StepKind::Suspension), std::nullopt);
  EXPECT_EQ(cursor.previous_event_time(StepKind::Suspension), 400u);
  cursor.seek(3000);
  EXPECT_EQ(cursor.next_event_time(StepKind::AnyEvent), std::nullopt);
  EXPECT_FALSE(cursor.step_forward(StepKind::AnyEvent));
  EXPECT_EQ(cursor.time_ns(), 3000u) << "a step with nowhere to go must not move";
  cursor.seek(0);
  EXPECT_EQ(cursor.previous_event_time(StepKind::AnyEvent), std::nullopt);
  EXPECT_FALSE(cursor.step_backward(StepKind::DrainStall));
  EXPECT_EQ(cursor.time_ns(), 0u);
}

// Guards "pause at the second drain stall": playback stops at its exact time, not at the end of
// the frame that crossed it, and the model then holds that stall open.
TEST(ReplayCursor, BreakpointStopsExactlyAtTheNthDrainStall) {
  const auto log = known_story();
  ReplayCursor cursor(log);
  const std::size_t second_stall = cursor.add_breakpoint(StepKind::DrainStall, 2);
  EXPECT_EQ(cursor.breakpoint_time(cursor.breakpoints()[second_stall]), 1500u);
  auto result = cursor.advance_by(1000, 1.0);  // 0 -> 1000 crosses only the first stall
  EXPECT_FALSE(result.stopped);
  EXPECT_EQ(result.time_ns, 1000u);
  result = cursor.advance_by(1000, 1.0);  // 1000 -> 2000 would cross the second at 1500
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(result.reason, StopReason::Breakpoint);
  EXPECT_EQ(result.breakpoint_index, second_stall);
  EXPECT_EQ(result.time_ns, 1500u);
  EXPECT_EQ(cursor.time_ns(), 1500u);
  const auto* connection = cursor.model().connection(7);
  ASSERT_NE(connection, nullptr);
  ASSERT_EQ(connection->drain_stalls.size(), 2u);
  EXPECT_EQ(connection->drain_stalls[1].end_ns, model::kOpenEnd);
  // Playing on from the breakpoint does not stop there again...
  result = cursor.advance_by(100, 1.0);
  EXPECT_FALSE(result.stopped);
  EXPECT_EQ(result.time_ns, 1600u);
  // ...but after scrubbing back before it, it does.
  cursor.seek(1499);
  result = cursor.advance_by(10'000, 1.0);
  EXPECT_EQ(result.reason, StopReason::Breakpoint);
  EXPECT_EQ(result.time_ns, 1500u);
}

TEST(ReplayCursor, TheEarliestBreakpointWinsAndMissingOccurrencesNeverFire) {
  const auto log = known_story();
  ReplayCursor cursor(log);
  cursor.add_breakpoint(StepKind::Freeze, 2);  // the trace has one freeze
  const std::size_t reply = cursor.add_breakpoint(StepKind::ClientReply, 1);
  const std::size_t freeze = cursor.add_breakpoint(StepKind::Freeze);
  auto result = cursor.advance_by(10'000, 1.0);
  EXPECT_EQ(result.reason, StopReason::Breakpoint);
  EXPECT_EQ(result.breakpoint_index, reply);
  EXPECT_EQ(result.time_ns, 1100u);
  result = cursor.advance_by(10'000, 1.0);
  EXPECT_EQ(result.breakpoint_index, freeze);
  EXPECT_EQ(result.time_ns, 2000u);
  ASSERT_EQ(cursor.model().loop().freezes.size(), 1u);
  EXPECT_EQ(cursor.model().loop().freezes[0].end_ns, model::kOpenEnd) << "the freeze is under way";
  result = cursor.advance_by(10'000, 1.0);
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(result.reason, StopReason::EndOfTrace);
  EXPECT_EQ(result.breakpoint_index, std::nullopt);
  EXPECT_EQ(result.time_ns, 3000u);
  EXPECT_THROW(cursor.add_breakpoint(StepKind::DrainStall, 0), std::invalid_argument);
}

// Guards the lesson hold: playback stops at the limit it is given (just before a reveal), never
// moves back to a limit behind it, and a breakpoint before the limit still wins.
TEST(ReplayCursor, PlaybackStopsAtTheLimitUnlessABreakpointComesFirst) {
  const auto log = known_story();
  ReplayCursor cursor(log);
  auto result = cursor.advance_by(10'000, 1.0, 700);
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(result.reason, StopReason::Limit);
  EXPECT_EQ(cursor.time_ns(), 700u);
  result = cursor.advance_by(10'000, 1.0, 500);
  EXPECT_EQ(result.reason, StopReason::Limit);
  EXPECT_EQ(cursor.time_ns(), 700u) << "a limit behind the replay time holds it in place";
  result = cursor.advance_by(100, 1.0, 2'500);
  EXPECT_FALSE(result.stopped) << "a limit not reached does not stop playback";
  EXPECT_EQ(cursor.time_ns(), 800u);
  const std::size_t reply = cursor.add_breakpoint(StepKind::ClientReply, 1);  // at 1100
  result = cursor.advance_by(10'000, 1.0, 2'500);
  EXPECT_EQ(result.reason, StopReason::Breakpoint);
  EXPECT_EQ(result.breakpoint_index, reply);
  EXPECT_EQ(cursor.time_ns(), 1100u);
}

// Guards live lesson breakpoints, which count events in the model as it grows: the model must
// give the same times the cursor finds in the log.
TEST(ReplayCursor, TheModelGivesTheSameEventTimesOfEachKindAsTheLog) {
  const auto log = known_story();
  const TraceModel whole = TraceModel::from_log(log);
  EXPECT_EQ(model::step_event_times(whole, StepKind::Suspension), (std::vector<std::uint64_t>{100, 400, 1500}));
  EXPECT_EQ(model::step_event_times(whole, StepKind::DrainStall), (std::vector<std::uint64_t>{400, 1500}));
  EXPECT_EQ(model::step_event_times(whole, StepKind::Freeze), (std::vector<std::uint64_t>{2000}));
  EXPECT_EQ(model::step_event_times(whole, StepKind::ClientReply), (std::vector<std::uint64_t>{1100, 2700}));
  EXPECT_TRUE(model::step_event_times(whole, StepKind::AnyEvent).empty());
  EXPECT_EQ(model::step_event_count(whole, StepKind::Suspension), 3u);
  EXPECT_EQ(model::step_event_count(whole, StepKind::ClientReply), 2u);
}

// Guards the names lesson files use for step kinds.
TEST(ReplayCursor, StepKindIdsRoundTripAndUnknownOnesAreRefused) {
  for (const StepKind kind : {StepKind::Suspension, StepKind::DrainStall, StepKind::Freeze, StepKind::ClientReply,
                              StepKind::AnyEvent}) {
    EXPECT_EQ(model::step_kind_from_id(model::step_kind_id(kind)), kind);
  }
  EXPECT_EQ(model::step_kind_from_id("drain stall"), std::nullopt);
  EXPECT_EQ(model::step_kind_of(trace::EventKind::DrainStallBegin), StepKind::DrainStall);
  EXPECT_EQ(model::step_kind_of(trace::EventKind::DrainStallEnd), std::nullopt);
}

// Guards the speed range: replays slow a run down (to 0.01x) and never run faster than 1x.
TEST(ReplayCursor, PlaybackSpeedIsClampedBetweenAHundredthAndOne) {
  EXPECT_DOUBLE_EQ(model::clamp_replay_speed(5.0), 1.0);
  EXPECT_DOUBLE_EQ(model::clamp_replay_speed(0.5), 0.5);
  EXPECT_DOUBLE_EQ(model::clamp_replay_speed(0.0001), 0.01);
  EXPECT_DOUBLE_EQ(model::clamp_replay_speed(-1.0), 0.01);
  EXPECT_DOUBLE_EQ(model::clamp_replay_speed(std::nan("")), 0.01);
  const auto log = known_story();
  ReplayCursor cursor(log);
  EXPECT_EQ(cursor.advance_by(1000, 5.0).time_ns, 1000u);   // capped at 1x
  EXPECT_EQ(cursor.advance_by(1000, 0.5).time_ns, 1500u);   // half speed
  EXPECT_EQ(cursor.advance_by(1000, 0.0).time_ns, 1510u);   // floored at 0.01x
  EXPECT_EQ(cursor.advance_by(1000, 0.01).time_ns, 1520u);
  EXPECT_EQ(cursor.advance_by(std::numeric_limits<std::uint64_t>::max(), 1.0).time_ns, 3000u) << "no overflow";
}

// Guards the cost of going back: a backward seek restores the nearest checkpoint and replays at
// most one interval of events, yet yields the model of the whole prefix; and the number of
// checkpoints (full model copies) stays capped as the trace grows.
TEST(ReplayCursor, GoingBackReplaysAtMostOneCheckpointIntervalAndCheckpointsAreCapped) {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 4000)
      .add(0, trace::EventKind::TaskSpawned, 1, 0, 0, 1);
  for (std::uint64_t index = 1; index <= 10'000; ++index) {
    builder.add(index * 10, index % 2 ? trace::EventKind::TaskSuspended : trace::EventKind::TaskResumed, 1, 0, kReadline);
    builder.add(index * 10 + 5, trace::EventKind::BufferLevel, 1, index, 1);
  }
  const auto& log = builder.log();
  constexpr std::size_t kInterval = 1000;
  ReplayCursor cursor(log, kInterval);
  cursor.seek(cursor.end_ns());
  EXPECT_EQ(cursor.events_applied_by_last_seek(), log.events.size() - 2);  // the two at time 0 were in
  // 20 intervals of 1,000 outgrow the cap of 16: every second checkpoint went, the interval doubled.
  static_assert(model::kMaxCheckpoints == 16);
  EXPECT_EQ(cursor.checkpoint_interval(), 2 * kInterval);
  EXPECT_EQ(cursor.checkpoint_count(), log.events.size() / (2 * kInterval));
  for (const std::uint64_t time_ns : {std::uint64_t{55'555}, std::uint64_t{12'345}, std::uint64_t{3}, std::uint64_t{99'999}}) {
    cursor.seek(time_ns);
    EXPECT_LE(cursor.events_applied_by_last_seek(), cursor.checkpoint_interval()) << "at " << time_ns;
    EXPECT_TRUE(same_model(model_of_prefix(log, time_ns), cursor.model())) << "at " << time_ns;
  }
  // A short step forward appends only the new events.
  cursor.seek(50'000);
  cursor.seek(50'100);
  EXPECT_EQ(cursor.events_applied_by_last_seek(), 20u);
  EXPECT_TRUE(same_model(model_of_prefix(log, 50'100), cursor.model()));
  // With checkpoints off, going back replays from the start.
  ReplayCursor without(log, 0);
  without.seek(without.end_ns());
  without.seek(50'000);
  EXPECT_EQ(without.checkpoint_count(), 0u);
  EXPECT_EQ(without.events_applied_by_last_seek(), 2u + 5000u + 4999u);
  EXPECT_TRUE(same_model(model_of_prefix(log, 50'000), without.model()));
}

TEST(ReplayCursor, AnEmptyTraceStaysAtZero) {
  const trace::TraceLog empty;
  ReplayCursor cursor(empty);
  EXPECT_EQ(cursor.end_ns(), 0u);
  EXPECT_TRUE(cursor.at_end());
  EXPECT_EQ(cursor.next_event_time(StepKind::AnyEvent), std::nullopt);
  const auto result = cursor.advance_by(1'000'000, 1.0);
  EXPECT_EQ(result.reason, StopReason::EndOfTrace);
  EXPECT_TRUE(cursor.model().tasks().empty());
}
