#include "timeline_report.hpp"

namespace loopscope::viz {

nlohmann::json timeline_geometry_json(const TimelineGeometry& geometry) {
  nlohmann::json lanes = nlohmann::json::array();
  for (const Lane& lane : geometry.lanes) {
    const char* kind = lane.kind == LaneKind::Loop ? "loop"
                       : lane.kind == LaneKind::GroupHeader ? "group"
                       : lane.kind == LaneKind::Task        ? "task"
                       : lane.kind == LaneKind::Process     ? "process"
                                                            : "buffers";
    lanes.push_back({{"kind", kind}, {"task_id", lane.task_id}, {"label", lane.label},
                     {"top_px", geometry.lanes_top_px + lane.top_px}, {"height_px", lane.height_px}});
  }
  return {{"canvas", {{"x_px", geometry.canvas_x}, {"y_px", geometry.canvas_y}, {"width_px", geometry.canvas_width},
                      {"height_px", geometry.canvas_height}}},
          {"viewport", {{"begin_ns", geometry.viewport.begin_ns}, {"end_ns", geometry.viewport.end_ns},
                        {"left_px", geometry.viewport.left_px}, {"width_px", geometry.viewport.width_px}}},
          {"lanes", lanes},
          {"text_line_height_px", geometry.text_line_height_px}};
}

}  // namespace loopscope::viz
