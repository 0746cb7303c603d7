#pragma once
// Starts and replaces the app's live session: free play (the server with the handler the
// learner picks, no scripted clients) or a lesson (its server and clients, played by a
// LessonDirector). Either listens on the preferred port (8888) or the next free one, so a
// learner's own `nc` can join whatever is running.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/lessons/lesson.hpp"
#include "viz/session/app_state.hpp"

namespace loopscope::viz {

struct LaunchSettings {
  std::string host = "127.0.0.1";
  std::uint16_t preferred_port = 8888;
  int next_ports_to_try = 20;
  bool hold_for_answers = true;      // ask each prediction before its reveal
  bool pause_at_breakpoints = true;  // pause where the lesson says ("the first drain stall")
  double speed = 1.0;
  // The lessons' server: Loopscope's C++ one, or the handlers' asyncio twins under the probe.
  scenarios::ServerBackend lesson_backend = scenarios::ServerBackend::Loopscope;
};

class SessionLauncher {
 public:
  explicit SessionLauncher(LaunchSettings settings) : settings_(std::move(settings)) {}

  // Returns false (and sets state.status_message) when the server could not start.
  bool start_free_play(AppState& state, const std::string& handler = "echo");
  // Traces the learner's own asyncio program live (`loopscope asyncio server.py args...`); it
  // binds what it binds itself. False (with the reason) when it did not start a server.
  bool start_asyncio_program(AppState& state, const std::string& program, const std::vector<std::string>& args);
  // Runs the lesson live. When the server cannot start, falls back to the lesson's recorded
  // run (and says so in state.status_message); false only when neither works.
  bool start_lesson(AppState& state, const scenarios::Lesson& lesson);
  // Plays the lesson over the recorded run shipped with it (built-in lessons only): the same
  // narration, predictions and checks, no sockets. False (with the reason) when it has none.
  bool start_recorded_lesson(AppState& state, const scenarios::Lesson& lesson);
  // The lesson being played, live if it was recorded and recorded if it was live.
  bool switch_live_or_recorded(AppState& state);
  void stop(AppState& state);
  // Stops any live session and replays a saved native trace from its start, narrated by its
  // lesson when it was recorded from a built-in one. Returns false (and sets
  // state.status_message to the reason the file was refused) when it cannot be read.
  bool open_trace(AppState& state, const std::string& path);

  LaunchSettings& settings() { return settings_; }

 private:
  bool start(AppState& state, const scenarios::LiveSessionOptions& options);
  bool start(AppState& state, const scenarios::ServerConfig& server, scenarios::ServerBackend backend);
  // Replaces what is shown with a replay of `loaded`, narrated by `lesson` when it is given and
  // the trace was recorded from it.
  bool show_recorded(AppState& state, std::unique_ptr<LoadedTrace> loaded, const scenarios::Lesson* lesson);
  LaunchSettings settings_;
};

// A built-in lesson by name, parsed; throws std::invalid_argument naming the choices.
scenarios::Lesson find_builtin_lesson(const std::string& name);

}  // namespace loopscope::viz
