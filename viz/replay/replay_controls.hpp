#pragma once
// The controls of a replayed trace: play/pause, speed (0.01x to 1x), a scrubber over the whole
// run, and stepping to the next or previous event of a kind (suspension, drain stall, freeze,
// client reply), plus "pause at the Nth ..." breakpoints. The cursor (core/model) does the
// work; this is the bar above the timeline and the keys. When a lesson plays over the replay
// (a RecordedLesson), the lesson moves the cursor: play, pause and speed are the lesson's.

#include <chrono>
#include <string>

#include "core/model/replay_cursor.hpp"
#include "viz/session/app_state.hpp"
#include "viz/input/key_map.hpp"

namespace loopscope::viz {

// A combo box choosing a StepKind (suspension, drain stall, ...); true when it changed.
bool step_kind_combo(const char* label, model::StepKind& kind);

class ReplayControls {
 public:
  // Moves a playing replay on by the wall time since the last frame. Call once per frame.
  void advance(AppState& state);
  // show_origin: the RECORDED label and where the trace came from (presentation mode's header
  // says it instead).
  void draw(AppState& state, bool show_origin = true);
  // A key of the key map for a plain replay: Space play/pause, Left/Right step by the chosen
  // kind, +/- speed, Home/End. A lesson's keys (Space, Left/Right by step) belong to the lesson.
  void apply(AppState& state, KeyCommand command);
  model::StepKind step_kind() const { return step_kind_; }
  const std::string& last_stop() const { return last_stop_; }

 private:
  void step(AppState& state, bool forward);
  void change_speed(AppState& state, double factor);
  static bool playing(const AppState& state);
  static void set_playing(AppState& state, bool playing);
  static double speed(const AppState& state);
  static void set_speed(AppState& state, double speed);

  model::StepKind step_kind_ = model::StepKind::Suspension;
  model::StepKind breakpoint_kind_ = model::StepKind::DrainStall;
  int breakpoint_occurrence_ = 1;
  std::string last_stop_;  // why playback paused by itself, shown until the next play
  std::chrono::steady_clock::time_point last_frame_ = std::chrono::steady_clock::now();
};

}  // namespace loopscope::viz
