// Predict, then see: in a live lesson that waits for its class, every question is asked before
// anything its answer is about has happened, and while the class thinks the scripted clients
// stand still. Each built-in lesson is played the way the app plays it (holding for answers),
// with a class that takes its time, and the trace is read back for the order of things.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "core/trace/event_kind.hpp"
#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_director.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "scenarios/session/live_session.hpp"

namespace {

using loopscope::scenarios::BuiltinLesson;
using loopscope::scenarios::Lesson;
using loopscope::scenarios::LessonDirector;
using loopscope::scenarios::LiveSession;
using loopscope::trace::EventKind;
using loopscope::trace::TraceEvent;
using Clock = std::chrono::steady_clock;

constexpr auto kTick = std::chrono::milliseconds(10);
constexpr auto kClassThinks = std::chrono::milliseconds(600);  // how long each question stays open
// An operation already handed to the kernel when the hold began may still complete.
constexpr std::uint64_t kHoldGrace_ns = 150'000'000;

std::vector<TraceEvent> events_of(const loopscope::trace::TraceLog& log, EventKind kind) {
  std::vector<TraceEvent> found;
  for (const TraceEvent& event : log.events) {
    if (event.kind == kind) found.push_back(event);
  }
  return found;
}

std::uint64_t time_of_step(const loopscope::trace::TraceLog& log, std::size_t step_index) {
  for (const TraceEvent& event : events_of(log, EventKind::LessonStep)) {
    if (event.subject_id == step_index) return event.time_ns;
  }
  return UINT64_MAX;
}

// Plays the lesson as a class does: each question stays open for kClassThinks of holding, then
// gets its right answer. Returns the session's trace.
loopscope::trace::TraceLog play_with_a_class(const Lesson& lesson, std::string& failure) {
  loopscope::scenarios::LiveSessionOptions options;
  options.server = lesson.server;
  LiveSession session(options);
  loopscope::scenarios::LessonDirectorOptions director_options;
  director_options.hold_for_answers = true;
  LessonDirector director(lesson, session, director_options);
  bool was_holding = false;
  Clock::time_point holding_since = Clock::now();
  const auto deadline = Clock::now() + std::chrono::seconds(static_cast<int>(lesson.end.timeout_s) + 30);
  while (!director.ended() && Clock::now() < deadline) {
    session.poll();
    director.advance();
    const bool holding = director.holding_for_answers();
    if (holding && !was_holding) holding_since = Clock::now();
    was_holding = holding;
    if (holding && Clock::now() - holding_since >= kClassThinks) {
      for (const std::size_t index : director.open_predictions()) {
        director.answer(index, lesson.predictions[index].answer);
      }
    }
    std::this_thread::sleep_for(kTick);
  }
  if (!director.ended()) failure = "the lesson never ended";
  if (director.timed_out()) failure = "the lesson timed out";
  session.finish();
  return session.take_log();
}

class PredictThenSee : public testing::TestWithParam<BuiltinLesson> {};

TEST_P(PredictThenSee, EachQuestionIsAskedBeforeItsAnswerHappensAndTheClientsWait) {
  const Lesson lesson = loopscope::scenarios::parse_lesson(GetParam().json_text, std::string(GetParam().name));
  std::string failure;
  const loopscope::trace::TraceLog log = play_with_a_class(lesson, failure);
  ASSERT_TRUE(failure.empty()) << failure;

  const auto asked = events_of(log, EventKind::LessonPredictionAsked);
  const auto answered = events_of(log, EventKind::LessonPredictionAnswered);
  const auto held = events_of(log, EventKind::LessonHeld);
  const auto resumed = events_of(log, EventKind::LessonResumed);
  ASSERT_EQ(asked.size(), lesson.predictions.size()) << "every prediction is asked once";
  ASSERT_EQ(answered.size(), lesson.predictions.size());
  ASSERT_EQ(held.size(), resumed.size()) << "every hold ends";

  for (std::size_t index = 0; index < lesson.predictions.size(); ++index) {
    const auto& prediction = lesson.predictions[index];
    SCOPED_TRACE("prediction " + std::to_string(index + 1) + ": " + prediction.question);
    const auto asked_it = std::find_if(asked.begin(), asked.end(), [&](const TraceEvent& e) { return e.subject_id == index; });
    const auto answered_it =
        std::find_if(answered.begin(), answered.end(), [&](const TraceEvent& e) { return e.subject_id == index; });
    ASSERT_NE(asked_it, asked.end());
    ASSERT_NE(answered_it, answered.end());
    EXPECT_EQ(answered_it->aux, prediction.answer);
    const std::uint64_t step_ns = time_of_step(log, prediction.before_step);
    ASSERT_NE(step_ns, UINT64_MAX) << "the step it comes before fired";
    // Asked, answered, and only then the step whose actions produce the answer.
    EXPECT_LE(asked_it->time_ns, answered_it->time_ns);
    EXPECT_LE(answered_it->time_ns, step_ns);
    // Nothing the answer is about happened between the question and its step.
    for (const EventKind kind : prediction.about) {
      for (const TraceEvent& event : log.events) {
        if (event.kind != kind) continue;
        EXPECT_FALSE(event.time_ns >= asked_it->time_ns && event.time_ns < step_ns)
            << loopscope::trace::event_kind_name(kind) << " at " << event.time_ns << " ns, after the question at "
            << asked_it->time_ns << " ns and before step " << prediction.before_step + 1 << " at " << step_ns << " ns";
      }
    }
  }

  // While held, the scripted clients neither connect, send nor read.
  for (std::size_t hold = 0; hold < held.size(); ++hold) {
    ASSERT_LE(held[hold].time_ns, resumed[hold].time_ns);
    EXPECT_GE(resumed[hold].time_ns - held[hold].time_ns, 400'000'000u) << "the class took its time";
    const std::uint64_t still_from_ns = held[hold].time_ns + kHoldGrace_ns;
    for (const TraceEvent& event : log.events) {
      const bool client_moved = event.kind == EventKind::ClientConnected || event.kind == EventKind::ClientSent ||
                                event.kind == EventKind::ClientReceived;
      EXPECT_FALSE(client_moved && event.time_ns > still_from_ns && event.time_ns < resumed[hold].time_ns)
          << loopscope::trace::event_kind_name(event.kind) << " by client " << event.subject_id << " at "
          << event.time_ns << " ns, inside the hold " << held[hold].time_ns << ".." << resumed[hold].time_ns;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Lessons, PredictThenSee, testing::ValuesIn(loopscope::scenarios::builtin_lessons()),
                         [](const testing::TestParamInfo<BuiltinLesson>& param_info) {
                           std::string name(param_info.param.name);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
