#pragma once
// The recorded run that ships with each built-in lesson (assets/lesson-traces/<name>.lstrace,
// embedded at build time; scripts/record-lesson-traces records them again). It is the
// classroom fallback: the lesson plays over this run when live sockets misbehave.

#include <optional>
#include <string_view>
#include <vector>

namespace loopscope::scenarios {

struct BuiltinLessonTrace {
  std::string_view name;   // the lesson's name, e.g. "drain-backpressure"
  std::string_view bytes;  // a native trace file (trace::decode_native_trace reads it)
};

const std::vector<BuiltinLessonTrace>& builtin_lesson_traces();

// The bytes of a built-in lesson's recorded run, or nullopt if it has none.
std::optional<std::string_view> builtin_lesson_trace_bytes(std::string_view lesson_name);

}  // namespace loopscope::scenarios
