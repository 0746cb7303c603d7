#include "builtin_lesson_traces.hpp"

namespace loopscope::scenarios {

std::optional<std::string_view> builtin_lesson_trace_bytes(std::string_view lesson_name) {
  for (const BuiltinLessonTrace& trace : builtin_lesson_traces()) {
    if (trace.name == lesson_name) return trace.bytes;
  }
  return std::nullopt;
}

}  // namespace loopscope::scenarios
