// LessonDirector: a lesson played one tick at a time on a live session. Small inline lessons,
// real sockets on 127.0.0.1, every wait bounded; times are compared with wide margins.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "scenarios/lessons/lesson_director.hpp"
#include "scenarios/lessons/lesson_parser.hpp"

using namespace std::chrono_literals;
using loopscope::scenarios::LessonDirector;
using loopscope::scenarios::LessonDirectorOptions;
using loopscope::scenarios::LiveSession;
using loopscope::scenarios::LiveSessionOptions;
namespace scenarios = loopscope::scenarios;

namespace {

// Four steps: two timed ones close together, one far off, then the end of a client group.
// Two predictions come before step 1, one before step 3.
constexpr const char* kTimedLesson = R"({
  "format": "loopscope-lesson/1",
  "id": "director-test",
  "title": "Director test",
  "summary": "Steps on a clock.",
  "server": { "handler": "echo" },
  "clients": {
    "quick": { "behaviour": "fast", "count": 2, "lines": 3, "think_ms": 10 },
    "idle": { "behaviour": "fast", "count": 1, "lines": 1 }
  },
  "steps": [
    { "at_s": 0, "say": "zero", "actions": [ { "do": "mark", "text": "step zero" } ] },
    { "at_s": 0.3, "say": "one" },
    { "at_s": 30, "say": "far away", "actions": [ { "do": "start", "group": "quick" } ] },
    { "on": "group_done:quick", "say": "done" }
  ],
  "predictions": [
    { "before_step": 1, "question": "q0?", "choices": [ "a", "b" ], "answer": 0, "explanation": "e0" },
    { "before_step": 1, "question": "q1?", "choices": [ "a", "b" ], "answer": 1, "explanation": "e1" },
    { "before_step": 3, "question": "q2?", "choices": [ "a", "b" ], "answer": 0, "explanation": "e2" }
  ],
  "checks": [ { "name": "every request answered", "measure": "replies", "group": "quick", "at_least": 6 } ],
  "end": { "when_group_done": "quick", "timeout_s": 60 }
})";

// Waits on a group it never starts: GroupDone must not count it, so only the timeout ends it.
constexpr const char* kNeverEndingLesson = R"({
  "format": "loopscope-lesson/1",
  "id": "never-ends",
  "title": "Never ends",
  "summary": "Waits for a group nobody starts.",
  "server": { "handler": "echo" },
  "clients": { "idle": { "behaviour": "fast", "count": 1, "lines": 1 } },
  "steps": [
    { "at_s": 0, "say": "zero" },
    { "on": "group_done:idle", "say": "never" }
  ],
  "predictions": [],
  "checks": [],
  "end": { "when_group_done": "idle", "timeout_s": 1 }
})";

scenarios::Lesson lesson_of(const char* json) { return scenarios::parse_lesson(json, "inline test lesson"); }

LiveSessionOptions echo_session() {
  LiveSessionOptions options;
  options.server.handler = "echo";
  return options;
}

// One GUI frame: poll the session, then let the director act.
void tick(LiveSession& session, LessonDirector& director) {
  session.poll();
  director.advance();
}

bool tick_until(LiveSession& session, LessonDirector& director, const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    tick(session, director);
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

void tick_for(LiveSession& session, LessonDirector& director, std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    tick(session, director);
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

TEST(LessonDirector, KeepsItsOwnCopyOfTheLesson) {
  LiveSession session(echo_session());
  std::unique_ptr<LessonDirector> director;
  {
    const scenarios::Lesson lesson = lesson_of(kTimedLesson);
    director = std::make_unique<LessonDirector>(lesson, session);
  }
  EXPECT_EQ(director->lesson().id, "director-test");
  EXPECT_EQ(director->lesson().steps.size(), 4u);
}

// Guards the pause button: the lesson clock stops, and no step fires while paused.
TEST(LessonDirector, PauseStopsTheLessonClockAndTheSteps) {
  LiveSession session(echo_session());
  LessonDirector director(lesson_of(kTimedLesson), session);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.fired().size() == 1; }));
  EXPECT_EQ(director.fired()[0].index, 0u);

  director.pause();
  EXPECT_TRUE(director.paused());
  const double paused_at_s = director.lesson_time_s();
  tick_for(session, director, 500ms);  // longer than step 1's 0.3 s
  EXPECT_EQ(director.fired().size(), 1u) << "no step fires while paused";
  EXPECT_EQ(director.lesson_time_s(), paused_at_s) << "the lesson clock stands still";

  director.resume();
  EXPECT_FALSE(director.paused());
  ASSERT_TRUE(tick_until(session, director, [&] { return director.fired().size() == 2; }));
  const scenarios::FiredStep& one = director.fired()[1];
  EXPECT_EQ(one.index, 1u);
  EXPECT_GE(one.lesson_time_s, 0.3);
  EXPECT_LT(one.lesson_time_s, 0.3 + 1.0);
  // The wall clock ran on during the pause; the lesson clock did not.
  EXPECT_GE(one.session_time_s - one.lesson_time_s, 0.5 * 0.8);
  EXPECT_FALSE(director.ended());
}

TEST(LessonDirector, StepNowFiresTheNextStepAtOnceEvenWhilePaused) {
  LiveSession session(echo_session());
  LessonDirector director(lesson_of(kTimedLesson), session);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.fired().size() == 1; }));
  director.step_now();  // step 1, due at 0.3 s
  ASSERT_EQ(director.fired().size(), 2u);
  EXPECT_EQ(director.next_step(), 2u);
  EXPECT_LT(director.fired()[1].lesson_time_s, 0.3);

  director.pause();
  director.step_now();  // step 2, due at 30 s: starts the quick group
  ASSERT_EQ(director.fired().size(), 3u);
  EXPECT_EQ(director.fired()[2].index, 2u);
  EXPECT_LT(director.lesson_time_s(), 30.0) << "stepping does not move the lesson clock";
  director.resume();
  // The group step_now started is a group the lesson started, so its end fires step 3 and ends the lesson.
  ASSERT_TRUE(tick_until(session, director, [&] { return director.ended(); }, 15s));
  EXPECT_FALSE(director.timed_out());
  EXPECT_EQ(director.fired().size(), 4u);
  session.finish();
  const auto checks = director.evaluate_checks();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_TRUE(checks[0].passed) << checks[0].measured;
}

// Guards "ask before you tell": with hold_for_answers, the step that reveals predictions waits
// (and so does the lesson clock) until every one of them has an answer.
TEST(LessonDirector, HoldForAnswersHoldsTheRevealingStepUntilAnswered) {
  LiveSession session(echo_session());
  LessonDirectorOptions options;
  options.hold_for_answers = true;
  LessonDirector director(lesson_of(kTimedLesson), session, options);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.fired().size() == 1; }));
  EXPECT_EQ(director.open_predictions(), (std::vector<std::size_t>{0, 1}));
  EXPECT_FALSE(director.revealed(0));

  ASSERT_TRUE(tick_until(session, director, [&] { return director.holding_for_answers(); }, 3s));
  const double held_at_s = director.lesson_time_s();
  EXPECT_GE(held_at_s, 0.3);
  tick_for(session, director, 300ms);
  EXPECT_EQ(director.fired().size(), 1u) << "held until answered";
  EXPECT_EQ(director.lesson_time_s(), held_at_s) << "the lesson clock waits too";

  director.answer(0, 1);
  EXPECT_TRUE(director.holding_for_answers()) << "one prediction is still unanswered";
  tick_for(session, director, 50ms);
  EXPECT_EQ(director.fired().size(), 1u);
  director.answer(1, 0);
  EXPECT_FALSE(director.holding_for_answers());
  tick(session, director);
  ASSERT_EQ(director.fired().size(), 2u);
  EXPECT_TRUE(director.revealed(0));
  EXPECT_TRUE(director.revealed(1));
  EXPECT_FALSE(director.revealed(2));
  EXPECT_EQ(director.answer_of(0), 1u);
  EXPECT_EQ(director.answer_of(1), 0u);
  EXPECT_FALSE(director.answer_of(2).has_value());
  EXPECT_TRUE(director.open_predictions().empty()) << "step 2 reveals nothing";
  EXPECT_THROW(director.answer(0, 2), std::out_of_range);
}

TEST(LessonDirector, RevealNowReleasesAHeldStepWithoutAnswers) {
  LiveSession session(echo_session());
  LessonDirectorOptions options;
  options.hold_for_answers = true;
  LessonDirector director(lesson_of(kTimedLesson), session, options);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.holding_for_answers(); }, 3s));
  director.reveal_now();
  EXPECT_FALSE(director.holding_for_answers());
  tick(session, director);
  ASSERT_EQ(director.fired().size(), 2u);
  EXPECT_TRUE(director.revealed(0));
  EXPECT_FALSE(director.answer_of(0).has_value());
}

TEST(LessonDirector, WithoutHoldingPredictionsDoNotDelayTheSteps) {
  LiveSession session(echo_session());
  LessonDirector director(lesson_of(kTimedLesson), session);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.fired().size() == 2; }, 3s));
  EXPECT_FALSE(director.holding_for_answers());
  EXPECT_TRUE(director.revealed(1));
}

// Guards the timeout: counted on the lesson clock (so --speed scales it), and a group the
// lesson never started is not "done" just because it has no clients.
TEST(LessonDirector, EndsByTimeoutOnTheLessonClock) {
  LiveSession session(echo_session());
  LessonDirectorOptions options;
  options.speed = 4.0;  // the 1 s timeout passes after a quarter of a second
  const auto started = std::chrono::steady_clock::now();
  LessonDirector director(lesson_of(kNeverEndingLesson), session, options);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.ended(); }, 5s));
  const double took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_TRUE(director.timed_out());
  EXPECT_EQ(director.fired().size(), 1u) << "group_done:idle must not fire for a group never started";
  EXPECT_GE(director.lesson_time_s(), 1.0);
  EXPECT_GE(took_s, 0.25 * 0.8);
  EXPECT_LT(took_s, 0.9) << "the timeout is on the lesson clock, which runs 4x";
  // Latched: further ticks change nothing.
  const double ended_at_s = director.lesson_time_s();
  tick_for(session, director, 50ms);
  EXPECT_TRUE(director.ended());
  EXPECT_EQ(director.lesson_time_s(), ended_at_s);
}

TEST(LessonDirector, PausedLessonDoesNotTimeOut) {
  LiveSession session(echo_session());
  LessonDirectorOptions options;
  options.speed = 4.0;
  LessonDirector director(lesson_of(kNeverEndingLesson), session, options);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.fired().size() == 1; }));
  director.pause();
  tick_for(session, director, 500ms);  // twice the scaled timeout
  EXPECT_FALSE(director.ended());
  EXPECT_FALSE(director.timed_out());
}

// Guards the classroom's +/- keys: a new speed applies from now on and keeps the time run so far.
TEST(LessonDirector, SetSpeedKeepsTheTimeSoFarAndScalesWhatFollows) {
  LiveSession session(echo_session());
  LessonDirector director(lesson_of(kNeverEndingLesson), session);
  tick_for(session, director, 200ms);
  director.pause();
  const double before_s = director.lesson_time_s();
  director.set_speed(4.0);
  EXPECT_EQ(director.speed(), 4.0);
  EXPECT_EQ(director.lesson_time_s(), before_s) << "changing speed must not rewrite the past";
  director.resume();
  const auto wall_start = std::chrono::steady_clock::now();
  tick_for(session, director, 300ms);
  director.pause();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double gained_s = director.lesson_time_s() - before_s;
  // Generous margins: the machine is shared; the point is the ratio, about 4.
  EXPECT_GT(gained_s / wall_s, 2.5);
  EXPECT_LT(gained_s / wall_s, 4.5);
  EXPECT_THROW(director.set_speed(0), std::invalid_argument);
}

// Guards live lesson breakpoints: a blocking call freezes the real loop, the lesson pauses at
// the freeze (once), holds its next step while paused, says when it paused, and the trace
// records each step that fired so a replay can narrate it.
TEST(LessonDirector, PausesAtABreakpointOnceItsEventHappensLive) {
  constexpr const char* kFreezeLesson = R"({
    "format": "loopscope-lesson/1",
    "id": "breakpoint-test",
    "title": "Breakpoint test",
    "summary": "Pause at the freeze.",
    "server": { "handler": "echo" },
    "clients": { "idle": { "behaviour": "fast", "count": 1, "lines": 1 } },
    "steps": [
      { "at_s": 0, "say": "block", "actions": [ { "do": "inject_blocking", "ms": 200 } ] },
      { "at_s": 0.1, "say": "after" }
    ],
    "predictions": [],
    "breakpoints": [ { "on": "freeze", "note": "see the band" } ],
    "checks": [],
    "end": { "after_s": 0.2, "timeout_s": 20 }
  })";
  LiveSession session(echo_session());
  LessonDirectorOptions options;
  options.pause_at_breakpoints = true;
  LessonDirector director(lesson_of(kFreezeLesson), session, options);
  ASSERT_TRUE(tick_until(session, director, [&] { return director.paused(); }));
  ASSERT_TRUE(director.breakpoint_hit().has_value());
  EXPECT_EQ(director.breakpoint_hit()->breakpoint_index, 0u);
  ASSERT_FALSE(session.model().loop().freezes.empty());
  EXPECT_EQ(director.breakpoint_hit()->time_ns, session.model().loop().freezes[0].begin_ns);
  const std::size_t fired_at_pause = director.fired().size();
  tick_for(session, director, 300ms);  // past step 1's 0.1 s
  EXPECT_EQ(director.fired().size(), fired_at_pause) << "no step fires while paused at the breakpoint";

  director.resume();
  EXPECT_FALSE(director.breakpoint_hit().has_value());
  ASSERT_TRUE(tick_until(session, director, [&] { return director.ended(); }));
  EXPECT_FALSE(director.breakpoint_hit().has_value()) << "a breakpoint pauses once";
  EXPECT_FALSE(director.timed_out());
  ASSERT_TRUE(tick_until(session, director, [&] { return session.model().lesson_steps().size() == 2; }));
  EXPECT_EQ(session.model().lesson_steps()[0].lesson_id, "breakpoint-test");
  EXPECT_EQ(session.model().lesson_steps()[1].step_index, 1u);
}
