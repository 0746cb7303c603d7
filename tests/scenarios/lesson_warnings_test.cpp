// Loopscope names the mistake: on each built-in lesson's shipped run, the anti-pattern
// lessons raise their warning, and nothing else fires (no false alarm on the good handlers
// under the lessons' loads).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "core/model/trace_model.hpp"
#include "core/model/warnings.hpp"
#include "core/trace/native_format.hpp"
#include "scenarios/lessons/builtin_lesson_traces.hpp"

namespace model = loopscope::model;
namespace scenarios = loopscope::scenarios;

namespace {
// What each lesson's run must warn about; a lesson not listed must raise no warning at all.
const std::map<std::string, std::set<std::string>>& expected_warnings() {
  static const std::map<std::string, std::set<std::string>> expected = {
      {"blocking-freezes-everyone", {"slow_callback"}},
      {"cpu-heavy-parse", {"no_await"}},
      {"threads-vs-async", {"slow_callback"}},  // its loop phase's blocking call; the threads raise none
      {"write-without-drain", {"write_without_drain"}},
      {"cleanup", {"connection_leaked"}},
  };
  return expected;
}
}  // namespace

TEST(LessonWarnings, EachShippedRunWarnsOfItsMistakeAndOfNothingElse) {
  ASSERT_FALSE(scenarios::builtin_lesson_traces().empty());
  for (const scenarios::BuiltinLessonTrace& shipped : scenarios::builtin_lesson_traces()) {
    const auto log = loopscope::trace::decode_native_trace(shipped.bytes, std::string(shipped.name));
    const auto built = model::TraceModel::from_log(log);
    const auto warnings = model::find_warnings(built, log);
    std::set<std::string> fired;
    std::string described;
    for (const model::Warning& warning : warnings) {
      fired.insert(std::string(model::warning_kind_id(warning.kind)));
      described += "\n  " + std::string(model::warning_kind_id(warning.kind)) + ": " + warning.message;
    }
    const auto found = expected_warnings().find(std::string(shipped.name));
    const std::set<std::string> wanted = found == expected_warnings().end() ? std::set<std::string>{} : found->second;
    EXPECT_EQ(fired, wanted) << shipped.name << " raised:" << described;
  }
}
