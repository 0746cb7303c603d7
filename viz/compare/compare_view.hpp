#pragma once
// The comparison on screen: the shared replay bar, one toolbar and legend, then run A above
// run B. Each half is a header naming the run, a one-line summary whose standout figures are
// highlighted, and a TimelineWidget canvas over the app's one TimelineNavigation, so both
// halves always show the same stretch of time and zoom, pan and fit together.

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>

#include "viz/session/app_state.hpp"
#include "viz/compare/compare_replay_bar.hpp"
#include "viz/compare/run_comparison.hpp"
#include "viz/timeline/timeline_widget.hpp"

namespace loopscope::viz {

class CompareView {
 public:
  explicit CompareView(const SiteLabeler& labeler);
  // Once per frame while state.comparison is set; fills the space left in the current window.
  void draw(AppState& state);
  // Space, Left/Right, +/-: the shared replay (see CompareReplayBar).
  void apply(AppState& state, KeyCommand command);  // a key of the key map, for both runs
  // For --report: the shared time and, per half, its run, summary and where its lanes were drawn.
  nlohmann::json report(const AppState& state) const;

 private:
  void draw_toolbar(AppState& state);
  void draw_half(AppState& state, std::size_t index, float height_px);
  void draw_header(RunComparison& comparison, std::size_t index);
  void draw_summary(const RunComparison& comparison, std::size_t index);
  void draw_replay_time_line(const RunComparison& comparison, std::size_t index);

  CompareReplayBar bar_;
  std::array<TimelineWidget, 2> timelines_;  // one per half: each keeps its own lane texture and scroll
  bool show_legend_ = true;
};

}  // namespace loopscope::viz
