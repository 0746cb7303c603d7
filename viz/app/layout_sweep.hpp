#pragma once
// `--audit-layout`: visits every moment of a lesson's recorded run where the screen changes
// (each step, with its question open and again once answered, and the end), lets the layout
// settle for a few frames, and keeps what find_layout_problems says of each. The layout test
// runs it for every built-in lesson at projector sizes; a lesson author runs it on their own.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "viz/layout/layout_snapshot.hpp"
#include "viz/session/app_state.hpp"

namespace loopscope::viz {

class LayoutSweep {
 public:
  // `state` must hold a lesson played over its recording (RecordedLesson); its steps are the moments.
  explicit LayoutSweep(const AppState& state);

  // Before a frame is drawn: moves the replay to the next moment, or answers its questions.
  void before_frame(AppState& state);
  // After the frame: keeps its problems once the layout has settled.
  void after_frame(const AppState& state, const LayoutSnapshot& snapshot);
  bool done() const { return next_visit_ >= visits_.size(); }

  std::size_t problem_count() const { return problem_count_; }
  nlohmann::json report() const { return results_; }  // one entry per moment visited

 private:
  struct Visit {
    std::uint64_t time_ns = 0;
    bool answered = false;  // the lesson's open questions answered (with the right choice)
  };
  std::vector<Visit> visits_;
  std::size_t next_visit_ = 0;
  int frames_drawn_ = -1;  // in the current visit; -1 before it started
  std::size_t problem_count_ = 0;
  nlohmann::json results_ = nlohmann::json::array();
};

}  // namespace loopscope::viz
