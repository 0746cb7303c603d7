#pragma once
// The one replay bar of a comparison: play/pause, speed (0.01x to 1x), a scrubber over the
// longer run, and stepping to the previous or next event of a kind in either run. It moves the
// shared replay time, so both halves always show the same moment since their start.

#include <chrono>
#include <string>

#include "core/model/replay_cursor.hpp"
#include "viz/input/key_map.hpp"
#include "viz/compare/run_comparison.hpp"

namespace loopscope::viz {

class CompareReplayBar {
 public:
  // Moves a playing comparison on by the wall time since the last call. Once per frame.
  void advance(RunComparison& comparison);
  void draw(RunComparison& comparison);
  // Space play/pause, Left/Right step by the chosen kind, +/- speed (as for one replay).
  void apply(RunComparison& comparison, KeyCommand command);  // a key of the key map

 private:
  void toggle_play(RunComparison& comparison);
  void step(RunComparison& comparison, bool forward);

  model::StepKind step_kind_ = model::StepKind::DrainStall;  // what the runs compared usually differ in
  std::string last_stop_;  // why playback stopped or a step did not move, until the next play
  std::chrono::steady_clock::time_point last_frame_ = std::chrono::steady_clock::now();
};

}  // namespace loopscope::viz
