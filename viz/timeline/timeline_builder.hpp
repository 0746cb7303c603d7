#pragma once
// The headless step between the model and the screen: for the lanes in view and the time in
// view, it culls what is off screen, folds what is narrower than a pixel, picks colours and
// places labels, producing a DrawList the ImGui widget only has to replay. Tested without a
// display; benchmarked with a million events.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/human_units.hpp"
#include "core/model/trace_model.hpp"
#include "viz/timeline/draw_list.hpp"
#include "viz/timeline/lane_layout.hpp"
#include "viz/timeline/span_summary.hpp"
#include "viz/timeline/timeline_viewport.hpp"

namespace loopscope::viz {

// The label a suspension marker shows for a call site: "reader.readline() at echo.cpp:14".
// Labels are cached per log, as site ids are only meaningful within the log that interned them.
using SiteLabeler = std::function<std::string(const trace::TraceLog&, trace::SiteId)>;

struct TimelineFrame {
  TimelineViewport viewport;
  float lanes_top_px = 0;         // screen y of lane offset 0 (already scrolled)
  float visible_top_px = 0;       // the part of the canvas on screen
  float visible_bottom_px = 1e9f;
  std::uint64_t now_ns = 0;       // where open spans end (live: the clock now; replay: the trace end)
  const trace::TraceLog* log = nullptr;  // for site labels; none without it
  float min_marker_width_px = 90; // a wait narrower than this gets no site label
  float min_label_lane_height_px = 0;  // a lane lower than this gets no site labels (unreadable)
  float text_line_height_px = 16;      // the type's line height: rows of labels are spaced by it
  // The top of a strip two text lines high below the lanes (the widget keeps it on screen and
  // the lanes above it) where the marks' and lesson steps' labels go, so none sits on a lane's
  // own labels. Negative: no strip; those labels go in the last lines of the lanes.
  float annotations_top_px = -1;
};

// How tall the strip for marks and lesson steps is, for a type of this line height.
inline float annotations_height_px(float text_line_height_px) { return 2 * text_line_height_px + 4; }

class TimelineBuilder {
 public:
  explicit TimelineBuilder(SiteLabeler labeler);
  // Drops every cache (site labels, span summaries): the next build is of another trace.
  void forget_trace();

  void build(const model::TraceModel& model, const std::vector<Lane>& lanes, const TimelineFrame& frame,
             DrawList& out);

 private:
  void add_loop_lane(const model::TraceModel& model, const Lane& lane, const TimelineFrame& frame, DrawList& out);
  void add_process_lane(const model::TraceModel& model, const Lane& lane, const TimelineFrame& frame, DrawList& out);
  void add_task_lane(const model::TraceModel& model, const Lane& lane, const TimelineFrame& frame, DrawList& out);
  void add_buffers_lane(const model::TraceModel& model, const Lane& lane, const Lane* task_lane,
                        const TimelineFrame& frame, DrawList& out);
  void add_freeze_bands(const model::TraceModel& model, const TimelineFrame& frame, float top_px, float bottom_px,
                        DrawList& out);
  void add_hold_bands(const model::TraceModel& model, const TimelineFrame& frame, float top_px, float bottom_px,
                      DrawList& out);
  void add_marks(const model::TraceModel& model, const TimelineFrame& frame, float top_px, float bottom_px,
                 DrawList& out);
  const std::string& site_label(trace::SiteId site);

  SiteLabeler labeler_;
  const trace::TraceLog* labels_log_ = nullptr;
  std::unordered_map<trace::SiteId, std::string> site_labels_;
  SpanSummaryCache summaries_;  // kept across frames: appending spans only extends it
};

// "512 ms", "3.2 s", "48 us": a duration a learner reads at a glance.
std::string format_duration_ns(std::uint64_t duration_ns);
// "64 KiB", "1.5 MiB", "300 B": the model's wording, so warnings and labels agree.
using model::format_bytes;

}  // namespace loopscope::viz
