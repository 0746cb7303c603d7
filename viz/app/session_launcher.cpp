#include "session_launcher.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/trace/native_format.hpp"

#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"

namespace loopscope::viz {

bool SessionLauncher::start(AppState& state, const scenarios::ServerConfig& server) {
  stop(state);
  scenarios::LiveSessionOptions options;
  options.server = server;
  options.host = settings_.host;
  options.port = settings_.preferred_port;
  options.next_ports_to_try = settings_.next_ports_to_try;
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
  return start(state, server);
}

bool SessionLauncher::start_lesson(AppState& state, const scenarios::Lesson& lesson) {
  if (!start(state, lesson.server)) return false;
  scenarios::LessonDirectorOptions options;
  options.speed = settings_.speed;
  options.hold_for_answers = settings_.hold_for_answers;
  state.director = std::make_unique<scenarios::LessonDirector>(lesson, *state.session, options);
  return true;
}

void SessionLauncher::stop(AppState& state) {
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
  stop(state);
  // The cursor indexes the log in place, so it is made once the log has its final address.
  loaded->cursor = std::make_unique<model::ReplayCursor>(loaded->log);
  loaded->origin = path;
  loaded->speed = std::min(settings_.speed, model::kMaxReplaySpeed);
  state.loaded = std::move(loaded);
  state.navigation = TimelineNavigation{};
  // The whole run is known: show all of it; the part after the replay time stays empty.
  state.navigation.fit_all(state.loaded->cursor->end_ns());
  state.selected_task.reset();
  state.status_message.clear();
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
