#include "lesson_command.hpp"

#include <filesystem>

#include "core/model/trace_histograms.hpp"
#include "core/trace/chrome_export.hpp"
#include "core/trace/native_format.hpp"
#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "scenarios/commands/trace_report.hpp"
#include "scenarios/lessons/lesson_runner.hpp"

namespace loopscope::scenarios {

namespace {

bool looks_like_file(const std::string& text) {
  return text.find('/') != std::string::npos || text.ends_with(".json") || std::filesystem::exists(text);
}

Lesson resolve_lesson(const std::string& name_or_path) {
  if (looks_like_file(name_or_path)) return load_lesson_file(name_or_path);
  for (const BuiltinLesson& builtin : builtin_lessons()) {
    if (builtin.name == name_or_path) return parse_lesson(builtin.json_text, "built-in lesson " + std::string(builtin.name));
  }
  std::string names;
  for (const BuiltinLesson& builtin : builtin_lessons()) names += (names.empty() ? "" : ", ") + std::string(builtin.name);
  throw std::invalid_argument("no lesson called '" + name_or_path + "' (built-in: " + names + "; or give a path to a .json file)");
}

}  // namespace

int run_lesson_command(const LessonCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.list) {
    for (const BuiltinLesson& builtin : builtin_lessons()) {
      try {
        const Lesson lesson = parse_lesson(builtin.json_text, std::string(builtin.name));
        out << builtin.name << std::string(builtin.name.size() < 28 ? 28 - builtin.name.size() : 1, ' ') << lesson.title << "\n";
      } catch (const LessonFileError& error) {
        out << builtin.name << "  (broken: " << error.what() << ")\n";
      }
    }
    return 0;
  }
  if (options.lesson.empty()) {
    err << "loopscope lesson: name a lesson (see --list) or a lesson file\n";
    return 2;
  }
  if (!(options.speed > 0)) {
    err << "loopscope lesson: --speed must be above 0\n";
    return 2;
  }
  Lesson lesson;
  try {
    lesson = resolve_lesson(options.lesson);
  } catch (const std::exception& error) {
    err << "loopscope lesson: " << error.what() << "\n";
    return 2;
  }
  LessonRunOptions run_options;
  run_options.speed = options.speed;
  const auto server = lesson_server_from_name(options.server);
  if (!server) {
    err << "loopscope lesson: --server is loopscope, asyncio, threads or pool, not '" << options.server << "'\n";
    return 2;
  }
  if (const auto why = lesson_cannot_run_on(lesson, *server)) {
    err << "loopscope lesson: " << *why << "\n";
    return 2;
  }
  run_options.backend = server->backend;
  run_options.model = server->model;
  LessonRunResult result;
  try {
    result = run_lesson(lesson, run_options, out);
  } catch (const std::runtime_error& error) {
    // The asyncio server did not start (no python3, a probe that failed): nothing was run.
    err << "loopscope lesson: " << error.what() << "\n";
    return 1;
  }
  print_check_table(result, out);
  const model::TraceModel model = model::TraceModel::from_log(result.trace);
  print_warnings(model, result.trace, out);
  print_histograms(model::histograms_of(model), out);
  if (!options.trace_path.empty()) {
    try {
      if (options.trace_path.ends_with(".json")) {
        trace::save_chrome_trace(result.trace, options.trace_path);
      } else {
        trace::save_native_trace(result.trace, options.trace_path);
      }
      out << "trace written to " << options.trace_path << "\n";
    } catch (const std::exception& error) {
      err << "loopscope lesson: could not write the trace: " << error.what() << "\n";
      return 1;
    }
  }
  return result.passed() ? 0 : 1;
}

}  // namespace loopscope::scenarios
