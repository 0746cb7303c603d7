#include "compare_sources.hpp"

#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "core/trace/native_format.hpp"
#include "scenarios/lessons/builtin_lesson_traces.hpp"

namespace loopscope::viz {

namespace {

std::string builtin_lesson_names() {
  std::string names;
  for (const scenarios::BuiltinLessonTrace& builtin : scenarios::builtin_lesson_traces()) {
    names += (names.empty() ? "" : ", ") + std::string(builtin.name);
  }
  return names;
}

}  // namespace

ComparedTrace load_compared_trace(const std::string& source) {
  ComparedTrace compared;
  std::error_code ignored;
  if (std::filesystem::exists(source, ignored)) {
    // The loader's messages already start with the path and say what is wrong with the file.
    compared.log = trace::load_native_trace(source);
    compared.name = std::filesystem::path(source).filename().string();
    compared.origin = source;
    return compared;
  }
  // A built-in lesson's name: the recorded run that ships with it.
  if (const std::optional<std::string_view> bytes = scenarios::builtin_lesson_trace_bytes(source)) {
    compared.origin = "built-in lesson " + source;
    compared.log = trace::decode_native_trace(*bytes, compared.origin);
    compared.name = source;
    return compared;
  }
  throw std::runtime_error("cannot compare '" + source + "': there is no such trace file, nor a built-in lesson of " +
                           "that name (there are: " + builtin_lesson_names() + ")");
}

}  // namespace loopscope::viz
