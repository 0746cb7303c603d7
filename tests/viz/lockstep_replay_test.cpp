// Two runs replayed side by side: one shared time moves both cursors, the shorter run waits at
// its end, and stepping finds the nearest event of a kind in either run.
#include <gtest/gtest.h>

#include "core/model/replay_cursor.hpp"
#include "tests/support/trace_log_builder.hpp"
#include "viz/compare/lockstep_replay.hpp"

namespace model = loopscope::model;
namespace trace = loopscope::trace;
using loopscope::testing::TraceLogBuilder;
using loopscope::viz::LockstepReplay;
using trace::EventKind;

namespace {

constexpr std::uint64_t kMs = 1'000'000;

// Run A: 10 ms, one drain stall from 2 to 4 ms. Run B: 6 ms, a stall from 3 to 5 ms and a
// client reply as its very last event.
trace::TraceLog run_a() {
  TraceLogBuilder builder({"write_with_drain"});
  builder.add(0, EventKind::ConnectionAccepted, 1, 0, 0, 40000)
      .add(0, EventKind::TaskSpawned, 1, 0, 0, 0)
      .add(2 * kMs, EventKind::DrainStallBegin, 1, 70000)
      .add(4 * kMs, EventKind::DrainStallEnd, 1, 16000)
      .add(10 * kMs, EventKind::TaskExited, 1);
  return builder.log();
}

trace::TraceLog run_b() {
  TraceLogBuilder builder({"write_with_drain"});
  builder.add(0, EventKind::ConnectionAccepted, 1, 0, 0, 40001)
      .add(0, EventKind::TaskSpawned, 1, 0, 0, 0)
      .add(3 * kMs, EventKind::DrainStallBegin, 1, 70000)
      .add(5 * kMs, EventKind::DrainStallEnd, 1, 16000)
      .add(6 * kMs, EventKind::ClientReply, 9, 2 * kMs);
  return builder.log();
}

struct TwoRuns {
  trace::TraceLog a = run_a();
  trace::TraceLog b = run_b();
  model::ReplayCursor cursor_a{a};
  model::ReplayCursor cursor_b{b};
  LockstepReplay replay{{&cursor_a, &cursor_b}};
};

}  // namespace

TEST(LockstepReplay, BothCursorsShowTheSameTimeSinceTheirStart) {
  TwoRuns runs;
  EXPECT_EQ(runs.replay.time_ns(), 0u);
  runs.replay.seek(4 * kMs + kMs / 2);
  EXPECT_EQ(runs.cursor_a.time_ns(), 4 * kMs + kMs / 2);
  EXPECT_EQ(runs.cursor_b.time_ns(), 4 * kMs + kMs / 2);
  // Each model is its run as it stood then: A's stall is over, B's is under way.
  const auto& stalls_a = runs.cursor_a.model().connection(1)->drain_stalls;
  const auto& stalls_b = runs.cursor_b.model().connection(1)->drain_stalls;
  ASSERT_EQ(stalls_a.size(), 1u);
  ASSERT_EQ(stalls_b.size(), 1u);
  EXPECT_EQ(stalls_a[0].end_ns, 4 * kMs);
  EXPECT_EQ(stalls_b[0].end_ns, model::kOpenEnd);
}

TEST(LockstepReplay, TheShorterRunWaitsAtItsEndWhileTheLongerGoesOn) {
  TwoRuns runs;
  EXPECT_EQ(runs.replay.end_ns(), 10 * kMs) << "the shared time runs to the longer run's end";
  runs.replay.seek(8 * kMs);
  EXPECT_EQ(runs.cursor_a.time_ns(), 8 * kMs);
  EXPECT_EQ(runs.cursor_b.time_ns(), 6 * kMs);
  EXPECT_FALSE(runs.replay.run_ended(0));
  EXPECT_TRUE(runs.replay.run_ended(1));
  runs.replay.seek(60 * kMs);
  EXPECT_EQ(runs.replay.time_ns(), 10 * kMs);
  EXPECT_TRUE(runs.replay.at_end());
  // Going back brings the shorter run back too.
  runs.replay.seek(1 * kMs);
  EXPECT_EQ(runs.cursor_b.time_ns(), 1 * kMs);
  EXPECT_FALSE(runs.replay.run_ended(1));
}

TEST(LockstepReplay, StepsLandOnTheNearestEventOfTheKindInEitherRun) {
  TwoRuns runs;
  ASSERT_TRUE(runs.replay.step_forward(model::StepKind::DrainStall));
  EXPECT_EQ(runs.replay.time_ns(), 2 * kMs) << "A's stall comes first";
  ASSERT_TRUE(runs.replay.step_forward(model::StepKind::DrainStall));
  EXPECT_EQ(runs.replay.time_ns(), 3 * kMs) << "then B's";
  EXPECT_EQ(runs.cursor_a.time_ns(), 3 * kMs);
  EXPECT_FALSE(runs.replay.step_forward(model::StepKind::DrainStall));
  EXPECT_EQ(runs.replay.time_ns(), 3 * kMs) << "no later stall: no move";
  ASSERT_TRUE(runs.replay.step_backward(model::StepKind::DrainStall));
  EXPECT_EQ(runs.replay.time_ns(), 2 * kMs);
  EXPECT_FALSE(runs.replay.step_backward(model::StepKind::DrainStall));
}

// Guards against asking a finished run's cursor (stopped at its end) instead of the shared
// time: "strictly before the cursor" would miss an event at the run's very last moment.
TEST(LockstepReplay, SteppingBackFindsTheLastEventOfARunThatEndedSooner) {
  TwoRuns runs;
  runs.replay.seek(9 * kMs);
  ASSERT_TRUE(runs.replay.step_backward(model::StepKind::ClientReply));
  EXPECT_EQ(runs.replay.time_ns(), 6 * kMs);
}

TEST(LockstepReplay, PlaybackMovesBothAtTheClampedSpeedAndStopsAtTheEnd) {
  TwoRuns runs;
  EXPECT_FALSE(runs.replay.advance_by(4 * kMs, 0.5));
  EXPECT_EQ(runs.replay.time_ns(), 2 * kMs);
  EXPECT_EQ(runs.cursor_b.time_ns(), 2 * kMs);
  EXPECT_FALSE(runs.replay.advance_by(1 * kMs, 8.0)) << "faster than 1x is clamped to 1x";
  EXPECT_EQ(runs.replay.time_ns(), 3 * kMs);
  EXPECT_TRUE(runs.replay.advance_by(100 * kMs, 1.0));
  EXPECT_EQ(runs.replay.time_ns(), 10 * kMs);
  EXPECT_EQ(runs.cursor_b.time_ns(), 6 * kMs);
}
