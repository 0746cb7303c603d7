// Every built-in lesson runs headless on real sockets and its checks hold, against Loopscope's
// C++ server and against the handlers' CPython asyncio twins under the probe: the lessons'
// claims are proven in CI for both, not only narrated.
#include <gtest/gtest.h>

#include <sstream>
#include <tuple>
#include <vector>

#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "scenarios/lessons/lesson_runner.hpp"

using loopscope::scenarios::BuiltinLesson;
using loopscope::scenarios::ServerBackend;

class BuiltinLesson_ : public testing::TestWithParam<std::tuple<BuiltinLesson, ServerBackend>> {};

TEST_P(BuiltinLesson_, ParsesAndEveryCheckHolds) {
  const auto& [builtin, backend] = GetParam();
  const auto lesson = loopscope::scenarios::parse_lesson(builtin.json_text, std::string(builtin.name));
  EXPECT_EQ(lesson.id, builtin.name) << "a lesson's id is its file name";
  EXPECT_GE(lesson.checks.size(), 2u);
  EXPECT_GE(lesson.predictions.size(), 1u);
  std::ostringstream narration;
  loopscope::scenarios::LessonRunOptions options;
  options.backend = backend;
  const auto result = loopscope::scenarios::run_lesson(lesson, options, narration);
  loopscope::scenarios::print_check_table(result, narration);
  EXPECT_FALSE(result.timed_out) << narration.str();
  EXPECT_EQ(result.steps_fired, lesson.steps.size()) << narration.str();
  EXPECT_TRUE(result.passed()) << narration.str();
}

// Every lesson against Loopscope's server, and against asyncio unless the lesson says it cannot
// run there (threads-vs-async switches Loopscope's own server models; asyncio's is a loop).
std::vector<std::tuple<BuiltinLesson, ServerBackend>> lessons_and_servers() {
  std::vector<std::tuple<BuiltinLesson, ServerBackend>> params;
  for (const BuiltinLesson& builtin : loopscope::scenarios::builtin_lessons()) {
    params.emplace_back(builtin, ServerBackend::Loopscope);
    bool on_asyncio = true;
    try {
      on_asyncio = loopscope::scenarios::parse_lesson(builtin.json_text, std::string(builtin.name)).runs_on_asyncio;
    } catch (const std::exception&) {
      // A lesson that does not parse fails its Loopscope test; its asyncio one would only repeat it.
      on_asyncio = false;
    }
    if (on_asyncio) params.emplace_back(builtin, ServerBackend::AsyncioTwins);
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(
    Lessons, BuiltinLesson_, testing::ValuesIn(lessons_and_servers()),
    [](const testing::TestParamInfo<std::tuple<BuiltinLesson, ServerBackend>>& param_info) {
      std::string name(std::get<0>(param_info.param).name);
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name + (std::get<1>(param_info.param) == ServerBackend::AsyncioTwins ? "_asyncio" : "_loopscope");
    });
