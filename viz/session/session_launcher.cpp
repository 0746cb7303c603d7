#include "session_launcher.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "core/trace/native_format.hpp"

#include "scenarios/lessons/builtin_lesson_traces.hpp"
#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "scenarios/lessons/recorded_lesson.hpp"

namespace loopscope::viz {

namespace {

// "2026-11-21" (UTC) from the wall-clock start a trace carries.
std::string recorded_date(std::uint64_t start_unix_ns) {
  const std::chrono::sys_days day =
      std::chrono::floor<std::chrono::days>(std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(start_unix_ns)));
  const std::chrono::year_month_day date(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return text;
}

}  // namespace

bool SessionLauncher::start(AppState& state, const scenarios::ServerConfig& server, scenarios::ServerBackend backend) {
  scenarios::LiveSessionOptions options;
  options.server = server;
  options.host = settings_.host;
  options.port = settings_.preferred_port;
  options.next_ports_to_try = settings_.next_ports_to_try;
  options.backend = backend;
  return start(state, options);
}

bool SessionLauncher::start_asyncio_program(AppState& state, const std::string& program,
                                            const std::vector<std::string>& args) {
  scenarios::LiveSessionOptions options;
  options.backend = scenarios::ServerBackend::AsyncioProgram;
  options.program = std::filesystem::absolute(program).string();
  options.program_args = args;
  return start(state, options);
}

bool SessionLauncher::start(AppState& state, const scenarios::LiveSessionOptions& options) {
  stop(state);
  try {
    state.session = std::make_unique<scenarios::LiveSession>(options);
  } catch (const std::exception& error) {
    state.status_message = "could not start the server: " + std::string(error.what());
    return false;
  }
  state.navigation = TimelineNavigation{};
  state.selected_task.reset();
  state.lane_options.collapsed_groups.clear();
  state.status_message.clear();
  return true;
}

bool SessionLauncher::start_free_play(AppState& state, const std::string& handler) {
  scenarios::ServerConfig server;
  server.handler = handler;
  return start(state, server, scenarios::ServerBackend::Loopscope);
}

bool SessionLauncher::start_lesson(AppState& state, const scenarios::Lesson& lesson) {
  // A lesson about Loopscope's own server models has no asyncio run: it plays on Loopscope's.
  const bool asyncio_refused = settings_.lesson_backend != scenarios::ServerBackend::Loopscope && !lesson.runs_on_asyncio;
  const scenarios::ServerBackend backend = asyncio_refused ? scenarios::ServerBackend::Loopscope : settings_.lesson_backend;
  if (!start(state, lesson.server, backend)) {
    // The classroom must not depend on live sockets: fall back to the lesson's recorded run.
    const std::string live_problem = state.status_message;
    if (!start_recorded_lesson(state, lesson)) {
      state.status_message = live_problem;
      return false;
    }
    state.status_message = live_problem + "; showing the lesson's recorded run instead";
    return true;
  }
  scenarios::LessonDirectorOptions options;
  options.speed = settings_.speed;
  options.hold_for_answers = settings_.hold_for_answers;
  options.pause_at_breakpoints = settings_.pause_at_breakpoints;
  state.director = std::make_unique<scenarios::LessonDirector>(lesson, *state.session, options);
  if (asyncio_refused) {
    state.status_message = lesson.id + " runs on Loopscope's own server only (it switches between the loop and threads)";
  }
  return true;
}

bool SessionLauncher::start_recorded_lesson(AppState& state, const scenarios::Lesson& lesson) {
  const std::optional<std::string_view> bytes = scenarios::builtin_lesson_trace_bytes(lesson.id);
  if (!bytes) {
    state.status_message = "lesson '" + lesson.id + "' has no recorded run (only the built-in lessons ship one)";
    return false;
  }
  auto loaded = std::make_unique<LoadedTrace>();
  try {
    loaded->log = trace::decode_native_trace(*bytes, "the recorded run of " + lesson.id);
  } catch (const std::exception& error) {
    state.status_message = error.what();
    return false;
  }
  const std::string date = recorded_date(loaded->log.start_unix_ns);
  loaded->origin = "recorded run of " + lesson.id + " (shipped with Loopscope, recorded " + date + ")";
  loaded->origin_short = "shipped, " + date;
  return show_recorded(state, std::move(loaded), &lesson);
}

bool SessionLauncher::show_recorded(AppState& state, std::unique_ptr<LoadedTrace> loaded, const scenarios::Lesson* lesson) {
  stop(state);
  // The cursor indexes the log in place, so it is made once the log has its final address.
  loaded->cursor = std::make_unique<model::ReplayCursor>(loaded->log);
  loaded->speed = std::min(settings_.speed, model::kMaxReplaySpeed);
  std::unique_ptr<scenarios::RecordedLesson> recorded;
  std::string problem;
  if (lesson != nullptr) {
    try {
      scenarios::RecordedLessonOptions options;
      options.hold_for_answers = settings_.hold_for_answers;
      options.pause_at_breakpoints = settings_.pause_at_breakpoints;
      options.speed = settings_.speed;
      recorded = std::make_unique<scenarios::RecordedLesson>(*lesson, *loaded->cursor, options);
    } catch (const scenarios::RecordedLessonMismatch& error) {
      problem = std::string("shown without narration: ") + error.what();
    }
  }
  state.loaded = std::move(loaded);
  state.director = std::move(recorded);
  state.navigation = TimelineNavigation{};
  // The whole run is known: show all of it; the part after the replay time stays empty.
  state.navigation.fit_all(state.loaded->cursor->end_ns());
  state.selected_task.reset();
  state.lane_options.collapsed_groups.clear();
  state.status_message = problem;
  return true;
}

bool SessionLauncher::switch_live_or_recorded(AppState& state) {
  if (!state.director) return false;
  const scenarios::Lesson lesson = state.director->lesson();  // a copy: the director goes away
  return state.director->recorded() ? start_lesson(state, lesson) : start_recorded_lesson(state, lesson);
}

void SessionLauncher::stop(AppState& state) {
  ++state.generation;
  state.selected_task.reset();
  state.status_message.clear();  // a new start says its own problems
  state.director.reset();  // it refers to the session
  if (state.session) state.session->finish();
  state.session.reset();
  state.loaded.reset();
  state.comparison.reset();
}

bool SessionLauncher::open_trace(AppState& state, const std::string& path) {
  auto loaded = std::make_unique<LoadedTrace>();
  try {
    loaded->log = trace::load_native_trace(path);
  } catch (const std::exception& error) {
    state.status_message = "cannot open " + path + ": " + error.what();
    return false;
  }
  loaded->origin = path;
  loaded->origin_short = std::filesystem::path(path).filename().string();
  // A run recorded from a built-in lesson is narrated by that lesson.
  const std::string lesson_id = scenarios::recorded_lesson_id(loaded->log);
  std::optional<scenarios::Lesson> lesson;
  std::string problem;
  if (!lesson_id.empty()) {
    try {
      lesson = find_builtin_lesson(lesson_id);
    } catch (const std::invalid_argument&) {
      problem = "recorded from lesson '" + lesson_id + "', which is not built in: shown without narration";
    }
  }
  show_recorded(state, std::move(loaded), lesson ? &*lesson : nullptr);
  if (!problem.empty()) state.status_message = problem;
  return true;
}

scenarios::Lesson find_builtin_lesson(const std::string& name) {
  std::string names;
  for (const scenarios::BuiltinLesson& builtin : scenarios::builtin_lessons()) {
    if (builtin.name == name) return scenarios::parse_lesson(builtin.json_text, "built-in lesson " + name);
    names += (names.empty() ? "" : ", ") + std::string(builtin.name);
  }
  throw std::invalid_argument("no built-in lesson called '" + name + "' (there are: " + names + ")");
}

}  // namespace loopscope::viz
