#pragma once
// The timeline on screen: a toolbar (follow-live, fit-all, legend, the live freeze banner),
// a time ruler, lane labels, and the canvas that replays the TimelineBuilder's draw list.
// Input follows ImGui's canvas demo: one InvisibleButton catches it; wheel zooms around the
// cursor, Shift+wheel scrolls the lanes, drag pans, click selects a task.

#include <memory>
#include <optional>
#include <vector>

#include "viz/timeline/draw_list.hpp"
#include "viz/timeline/lane_layout.hpp"
#include "viz/timeline/lane_texture.hpp"
#include "viz/timeline/rect_raster.hpp"
#include "viz/timeline/timeline_builder.hpp"
#include "viz/timeline/timeline_subject.hpp"

struct ImDrawList;

namespace loopscope::viz {

// Where the last frame put things, for the screenshot report and the pixel test.
struct TimelineGeometry {
  float canvas_x = 0, canvas_y = 0, canvas_width = 0, canvas_height = 0;
  float lanes_top_px = 0;
  float text_line_height_px = 0;  // rows of labels on the lanes are this far apart
  TimelineViewport viewport;
  std::vector<Lane> lanes;
};

class TimelineWidget {
 public:
  explicit TimelineWidget(SiteLabeler labeler);
  // The toolbar, the legend and the canvas, moved by subject.navigation.
  void draw(const TimelineSubject& subject);
  // The ruler, lane labels and lanes alone, filling the space left, moved by `navigation`: one
  // half of a comparison, whose halves share one navigation so they zoom and pan together.
  void draw_canvas(const TimelineSubject& subject, TimelineNavigation& navigation);
  // What each colour means; items flow onto the next line when the row is full. With
  // `on_this_line`, the first item goes beside the last widget drawn if it fits.
  static void draw_legend(bool on_this_line = false);
  // The legend costs three rows at presentation size: there it starts folded (the Legend
  // checkbox brings it back), so the lanes the lesson is about stay on screen.
  void set_show_legend(bool show) { show_legend_ = show; }
  const TimelineGeometry& geometry() const { return geometry_; }
  const DrawList& last_draw_list() const { return draw_list_; }

 private:
  void draw_toolbar(const TimelineSubject& subject);
  void draw_ruler(const TimelineViewport& viewport, float top_px, float height_px);
  void draw_lane_labels(const TimelineSubject& subject, float label_x, float label_width_px, float top_px, float bottom_px);
  void handle_input(const TimelineSubject& subject, TimelineNavigation& navigation, float lanes_height_px);
  void draw_tooltip(const TimelineSubject& subject, float mouse_x, float mouse_y);
  // An orange triangle under the ruler at each warning's moment; notes which is under the mouse.
  void draw_warning_markers(const TimelineSubject& subject, ImDrawList* draw, float top_px, float right_px);
  void fold_held_stretches(const TimelineSubject& subject);  // the navigation's folds, from the holds

  TimelineBuilder builder_;
  std::uint64_t generation_seen_ = 0;  // TimelineSubject::generation the caches belong to
  DrawList draw_list_;
  RectRaster lane_raster_;  // the draw list's rects as pixels, repainted only when they change
  LaneTexture lane_texture_;
  TimelineGeometry geometry_;
  float scroll_y_px_ = 0;
  bool show_legend_ = true;
  bool fold_held_ = true;                  // held stretches as thin bands
  std::vector<std::size_t> hovered_warnings_;
  std::optional<std::uint32_t> selection_seen_;  // the selected task last frame, to scroll to a new one
  int scroll_to_selection_frames_ = 0;           // frames left to keep the new selection in view  // indices into subject.warnings under the mouse
  std::shared_ptr<const TimeFolds> folds_;  // as last handed to the navigation
};

}  // namespace loopscope::viz
