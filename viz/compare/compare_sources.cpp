#include "compare_sources.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "core/trace/native_format.hpp"
#include "scenarios/lessons/builtin_lesson_traces.hpp"
#include "scenarios/lessons/lesson_runner.hpp"
#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"

namespace loopscope::viz {

namespace {

std::string builtin_lesson_names() {
  std::string names;
  for (const scenarios::BuiltinLessonTrace& builtin : scenarios::builtin_lesson_traces()) {
    names += (names.empty() ? "" : ", ") + std::string(builtin.name);
  }
  return names;
}

// A built-in lesson with a recorded run (the caller has checked) by its name, parsed.
scenarios::Lesson builtin_lesson(const std::string& name) {
  for (const scenarios::BuiltinLesson& builtin : scenarios::builtin_lessons()) {
    if (builtin.name == name) return scenarios::parse_lesson(builtin.json_text, "built-in lesson " + name);
  }
  throw std::runtime_error("no built-in lesson called '" + name + "'");
}

}  // namespace

ComparedTrace load_compared_trace(const std::string& source, const scenarios::LessonServer& lesson_server) {
  ComparedTrace compared;
  std::error_code ignored;
  if (std::filesystem::exists(source, ignored)) {
    // The loader's messages already start with the path and say what is wrong with the file.
    compared.log = trace::load_native_trace(source);
    compared.name = std::filesystem::path(source).filename().string();
    compared.origin = source;
    return compared;
  }
  const bool live_run = lesson_server.backend != scenarios::ServerBackend::Loopscope || lesson_server.model.has_value();
  if (live_run && scenarios::builtin_lesson_trace_bytes(source)) {
    const scenarios::Lesson lesson = builtin_lesson(source);
    if (const auto why = scenarios::lesson_cannot_run_on(lesson, lesson_server)) {
      throw std::runtime_error("cannot compare " + source + ": " + *why);
    }
    scenarios::LessonRunOptions options;
    options.backend = lesson_server.backend;
    options.model = lesson_server.model;
    options.print_narration = false;
    std::ostringstream ignored_narration;
    scenarios::LessonRunResult result = scenarios::run_lesson(lesson, options, ignored_narration);
    const std::string against = lesson_server.model ? std::string(scenarios::server_model_title(*lesson_server.model))
                                                    : std::string("CPython asyncio");
    const std::string short_name = lesson_server.model ? std::string(scenarios::server_model_name(*lesson_server.model))
                                                       : std::string("asyncio");
    compared.origin = "built-in lesson " + source + ", run live against " + against;
    compared.name = source + " (" + short_name + ")";
    compared.log = std::move(result.trace);
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
