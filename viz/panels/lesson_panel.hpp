#pragma once
// The lesson being played: its narration as the steps fire, play/pause/step, each prediction
// asked before its reveal (the lesson holds until it is answered), and the check results
// that prove the lesson's claim on the trace just recorded.

#include <vector>

#include "scenarios/lessons/lesson_checks.hpp"
#include "viz/session/app_state.hpp"

namespace loopscope::viz {

class LessonPanel {
 public:
  void draw(AppState& state);
  void reset() { checks_.clear(); checks_evaluated_ = false; }

 private:
  void draw_controls(scenarios::LessonPlayback& director);
  void draw_narration(const scenarios::LessonPlayback& director);
  void draw_predictions(scenarios::LessonPlayback& director);
  void draw_checks(scenarios::LessonPlayback& director);

  std::vector<scenarios::CheckResult> checks_;
  bool checks_evaluated_ = false;
  std::size_t narration_seen_ = 0;  // scroll to the newest step when one fires
  const scenarios::LessonPlayback* director_seen_ = nullptr;
  std::vector<std::size_t> open_seen_;  // the open predictions last frame
};

}  // namespace loopscope::viz
