// RecordedLesson: a lesson played over a recorded run. The trace is built by hand, so every
// time is known: steps at 0, 200 and 300 ms, a 50 ms freeze from 100 ms, the run ends at 400 ms.
// Playback runs on the wall clock, so waits are bounded loops and times are compared exactly
// only where the lesson stops by itself (a hold, a breakpoint).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "core/model/replay_cursor.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "scenarios/lessons/recorded_lesson.hpp"
#include "tests/support/trace_log_builder.hpp"

using namespace std::chrono_literals;
using loopscope::model::ReplayCursor;
using loopscope::scenarios::RecordedLesson;
using loopscope::scenarios::RecordedLessonMismatch;
using loopscope::scenarios::RecordedLessonOptions;
using loopscope::trace::EventKind;
namespace scenarios = loopscope::scenarios;

namespace {

constexpr std::uint64_t kMs = 1'000'000;

// Three steps; a prediction before step 1 (index 1); a breakpoint at the first freeze; one
// check that only holds once the freeze has happened.
constexpr const char* kLessonJson = R"({
  "format": "loopscope-lesson/1",
  "id": "recorded-test",
  "title": "Recorded test",
  "summary": "Steps from a trace.",
  "server": { "handler": "echo" },
  "clients": { "quick": { "behaviour": "fast", "count": 1, "lines": 1 } },
  "steps": [
    { "at_s": 0, "say": "zero" },
    { "at_s": 0.2, "say": "one" },
    { "at_s": 0.3, "say": "two" }
  ],
  "predictions": [
    { "before_step": 1, "question": "q?", "choices": [ "a", "b" ], "answer": 1, "explanation": "e" }
  ],
  "breakpoints": [ { "on": "freeze", "occurrence": 1, "note": "look at the loop lane" } ],
  "checks": [ { "name": "the loop froze", "measure": "longest_freeze_ms", "at_least": 40 } ],
  "end": { "after_s": 0.35 }
})";

scenarios::Lesson lesson() { return scenarios::parse_lesson(kLessonJson, "inline test lesson"); }

loopscope::testing::TraceLogBuilder recorded_run(const std::string& lesson_id = "recorded-test", int steps = 3) {
  loopscope::testing::TraceLogBuilder builder({"", lesson_id});
  builder.add(0, EventKind::LessonStep, 0, 1)
      .add(10 * kMs, EventKind::TaskSpawned, 1)
      .add(100 * kMs, EventKind::FreezeBegin, 1)
      .add(150 * kMs, EventKind::FreezeEnd, 1, 50 * kMs);
  if (steps > 1) builder.add(200 * kMs, EventKind::LessonStep, 1, 1);
  if (steps > 2) builder.add(300 * kMs, EventKind::LessonStep, 2, 1);
  if (steps > 3) builder.add(350 * kMs, EventKind::LessonStep, 3, 1);
  builder.add(400 * kMs, EventKind::TaskExited, 1);
  return builder;
}

// Calls advance() like the app's frames do until the condition holds; at most 4 s.
bool advance_until(RecordedLesson& played, const std::function<bool()>& condition) {
  for (int frame = 0; frame < 800 && !condition(); ++frame) {
    std::this_thread::sleep_for(5ms);
    played.advance();
  }
  return condition();
}

}  // namespace

TEST(RecordedLesson, AStepHasFiredOnceTheReplayTimeReachesItsRecordedTime) {
  auto run = recorded_run();
  ReplayCursor cursor(run.log());
  RecordedLesson played(lesson(), cursor);
  EXPECT_TRUE(played.recorded());
  EXPECT_EQ(played.next_step(), 1u) << "step 0 was recorded at time 0";
  cursor.seek(250 * kMs);
  ASSERT_EQ(played.fired().size(), 2u);
  EXPECT_EQ(played.fired()[1].index, 1u);
  EXPECT_DOUBLE_EQ(played.fired()[1].session_time_s, 0.2);
  EXPECT_TRUE(played.revealed(0)) << "the prediction before step 1 is revealed once step 1 fired";
  cursor.seek(199 * kMs);
  EXPECT_EQ(played.next_step(), 1u);
  EXPECT_FALSE(played.revealed(0));
  EXPECT_EQ(played.open_predictions(), std::vector<std::size_t>{0});
}

TEST(RecordedLesson, RefusesATraceOfAnotherLessonOrVersionAndSaysWhy) {
  auto other = recorded_run("another-lesson");
  ReplayCursor other_cursor(other.log());
  try {
    RecordedLesson played(lesson(), other_cursor);
    FAIL() << "a run of another lesson was accepted";
  } catch (const RecordedLessonMismatch& error) {
    EXPECT_NE(std::string(error.what()).find("another-lesson"), std::string::npos) << error.what();
  }

  auto longer = recorded_run("recorded-test", 4);
  ReplayCursor longer_cursor(longer.log());
  try {
    RecordedLesson played(lesson(), longer_cursor);
    FAIL() << "a run with a step the lesson lacks was accepted";
  } catch (const RecordedLessonMismatch& error) {
    EXPECT_NE(std::string(error.what()).find("only 3 steps"), std::string::npos) << error.what();
  }

  loopscope::testing::TraceLogBuilder no_steps({""});
  no_steps.add(5, EventKind::TaskSpawned, 1);
  ReplayCursor plain_cursor(no_steps.log());
  EXPECT_THROW(RecordedLesson(lesson(), plain_cursor), RecordedLessonMismatch);
  EXPECT_EQ(scenarios::recorded_lesson_id(no_steps.log()), "");
  EXPECT_EQ(scenarios::recorded_lesson_id(recorded_run().log()), "recorded-test");
}

TEST(RecordedLesson, AcceptsARunThatEndedBeforeItsLastSteps) {
  auto shorter = recorded_run("recorded-test", 2);
  ReplayCursor cursor(shorter.log());
  RecordedLesson played(lesson(), cursor);
  cursor.seek(cursor.end_ns());
  EXPECT_EQ(played.next_step(), 2u);
  EXPECT_TRUE(played.ended());
}

// The classroom sequence: play, pause at the breakpoint, go on, wait before the reveal, answer.
TEST(RecordedLesson, PausesAtTheBreakpointThenHoldsJustBeforeTheRevealUntilAnswered) {
  auto run = recorded_run();
  ReplayCursor cursor(run.log());
  RecordedLessonOptions options;
  options.hold_for_answers = true;
  RecordedLesson played(lesson(), cursor, options);

  ASSERT_TRUE(advance_until(played, [&] { return played.paused(); }));
  ASSERT_TRUE(played.breakpoint_hit().has_value());
  EXPECT_EQ(played.breakpoint_hit()->time_ns, 100 * kMs);
  EXPECT_EQ(cursor.time_ns(), 100 * kMs) << "the replay stops exactly at the freeze";
  EXPECT_EQ(cursor.model().loop().freezes.size(), 1u);

  played.resume();
  EXPECT_FALSE(played.breakpoint_hit().has_value());
  ASSERT_TRUE(advance_until(played, [&] { return played.holding_for_answers(); }));
  EXPECT_EQ(cursor.time_ns(), 200 * kMs - 1) << "held just short of the step that reveals";
  EXPECT_EQ(played.next_step(), 1u);
  for (int frame = 0; frame < 20; ++frame) played.advance();
  EXPECT_EQ(cursor.time_ns(), 200 * kMs - 1) << "still held: nobody answered";

  played.answer(0, 1);
  EXPECT_FALSE(played.holding_for_answers());
  ASSERT_TRUE(advance_until(played, [&] { return played.ended(); }));
  EXPECT_EQ(played.next_step(), 3u);
  EXPECT_EQ(played.answer_of(0), std::optional<std::size_t>(1));
}

TEST(RecordedLesson, RevealNowReleasesTheHoldWithoutAnAnswer) {
  auto run = recorded_run();
  ReplayCursor cursor(run.log());
  RecordedLessonOptions options;
  options.hold_for_answers = true;
  RecordedLesson played(lesson(), cursor, options);
  cursor.seek(150 * kMs);  // past the breakpoint
  ASSERT_TRUE(advance_until(played, [&] { return played.holding_for_answers(); }));
  played.reveal_now();
  ASSERT_TRUE(advance_until(played, [&] { return played.next_step() >= 2; }));
  EXPECT_FALSE(played.answer_of(0).has_value());
}

TEST(RecordedLesson, StepBackShowsThePreviousStepAgainAndStepNowGoesForward) {
  auto run = recorded_run();
  ReplayCursor cursor(run.log());
  RecordedLesson played(lesson(), cursor);
  cursor.seek(cursor.end_ns());
  ASSERT_EQ(played.next_step(), 3u);  // step 2 shown

  EXPECT_TRUE(played.step_back());
  EXPECT_EQ(cursor.time_ns(), 200 * kMs);
  EXPECT_EQ(played.next_step(), 2u) << "step 1 is shown again, with the run as it stood then";
  EXPECT_TRUE(played.step_back());
  EXPECT_EQ(cursor.time_ns(), 0u);
  EXPECT_EQ(played.next_step(), 1u);
  EXPECT_TRUE(played.step_back());
  EXPECT_EQ(cursor.time_ns(), 0u) << "nothing before the start";

  played.step_now();
  EXPECT_EQ(cursor.time_ns(), 200 * kMs);
  played.step_now();
  EXPECT_EQ(cursor.time_ns(), 300 * kMs);
  played.step_now();
  EXPECT_TRUE(played.ended()) << "after the last step, step goes to the end of the run";
}

TEST(RecordedLesson, ChecksMeasureTheRunAsItStoodAtTheReplayTime) {
  auto run = recorded_run();
  ReplayCursor cursor(run.log());
  RecordedLesson played(lesson(), cursor);
  cursor.seek(50 * kMs);
  ASSERT_EQ(played.evaluate_checks().size(), 1u);
  EXPECT_FALSE(played.evaluate_checks()[0].passed) << "no freeze yet at 50 ms";
  cursor.seek(cursor.end_ns());
  EXPECT_TRUE(played.evaluate_checks()[0].passed) << played.evaluate_checks()[0].measured;
}

TEST(RecordedLesson, SpeedStaysInTheReplayRange) {
  auto run = recorded_run();
  ReplayCursor cursor(run.log());
  RecordedLesson played(lesson(), cursor);
  played.set_speed(4);
  EXPECT_EQ(played.speed(), loopscope::model::kMaxReplaySpeed);
  played.set_speed(0.001);
  EXPECT_EQ(played.speed(), loopscope::model::kMinReplaySpeed);
  EXPECT_THROW(played.set_speed(0), std::invalid_argument);
}
