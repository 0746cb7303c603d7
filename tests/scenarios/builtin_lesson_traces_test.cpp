// The recorded run each built-in lesson ships with (the classroom fallback) is sound: it
// decodes, it was recorded from this very lesson with every step, a narrated replay accepts it,
// and the lesson's checks hold on it. A lesson edited without re-recording fails here, with
// the command that fixes it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/model/replay_cursor.hpp"
#include "core/trace/native_format.hpp"
#include "scenarios/lessons/builtin_lesson_traces.hpp"
#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "scenarios/lessons/recorded_lesson.hpp"

using loopscope::scenarios::BuiltinLesson;
namespace scenarios = loopscope::scenarios;

namespace {
constexpr const char* kFix = "; run scripts/record-lesson-traces and rebuild";
}

class BuiltinLessonTrace_ : public testing::TestWithParam<BuiltinLesson> {};

TEST_P(BuiltinLessonTrace_, IsARunOfThisLessonWithEveryStepAndItsChecksHold) {
  const BuiltinLesson& builtin = GetParam();
  const scenarios::Lesson lesson = scenarios::parse_lesson(builtin.json_text, std::string(builtin.name));
  const auto bytes = scenarios::builtin_lesson_trace_bytes(builtin.name);
  ASSERT_TRUE(bytes.has_value()) << builtin.name << " ships no recorded run" << kFix;
  const loopscope::trace::TraceLog log = loopscope::trace::decode_native_trace(*bytes, builtin.name);
  EXPECT_EQ(log.dropped_events_total(), 0u) << "a shipped run must be complete" << kFix;
  EXPECT_EQ(scenarios::recorded_lesson_id(log), lesson.id);

  loopscope::model::ReplayCursor cursor(log);
  std::unique_ptr<scenarios::RecordedLesson> played;
  try {
    played = std::make_unique<scenarios::RecordedLesson>(lesson, cursor);
  } catch (const scenarios::RecordedLessonMismatch& error) {
    FAIL() << builtin.name << ": " << error.what() << kFix;
  }
  EXPECT_EQ(played->step_times_ns().size(), lesson.steps.size()) << "the recording missed steps" << kFix;

  // A breakpoint the recorded run never reaches would leave a class waiting for nothing.
  for (const scenarios::LessonBreakpoint& breakpoint : lesson.breakpoints) {
    EXPECT_TRUE(cursor.breakpoint_time(loopscope::model::Breakpoint{breakpoint.on, breakpoint.occurrence}).has_value())
        << builtin.name << ": the breakpoint on " << loopscope::model::step_kind_id(breakpoint.on) << " #"
        << breakpoint.occurrence << " never happens in the recorded run";
  }

  cursor.seek(cursor.end_ns());
  for (const scenarios::CheckResult& check : played->evaluate_checks()) {
    EXPECT_TRUE(check.passed) << builtin.name << ": " << check.name << ": measured " << check.measured << ", expected "
                              << check.expected << kFix;
  }
}

INSTANTIATE_TEST_SUITE_P(Lessons, BuiltinLessonTrace_, testing::ValuesIn(scenarios::builtin_lessons()),
                         [](const testing::TestParamInfo<BuiltinLesson>& param_info) {
                           std::string name(param_info.param.name);
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(BuiltinLessonTraces, EveryShippedRunBelongsToABuiltInLesson) {
  std::set<std::string> lessons;
  for (const BuiltinLesson& builtin : scenarios::builtin_lessons()) lessons.insert(std::string(builtin.name));
  for (const scenarios::BuiltinLessonTrace& trace : scenarios::builtin_lesson_traces()) {
    EXPECT_TRUE(lessons.count(std::string(trace.name))) << "assets/lesson-traces/" << trace.name
                                                        << ".lstrace has no lesson: delete it";
  }
  EXPECT_FALSE(scenarios::builtin_lesson_trace_bytes("no-such-lesson").has_value());
}
