#pragma once
// Where a timeline drew its canvas, its time range and each lane, as JSON: the part of the
// screenshot report (--report) a pixel test needs to look for a lane's colour at a time.

#include <nlohmann/json.hpp>

#include "viz/timeline/timeline_widget.hpp"

namespace loopscope::viz {

// {"canvas": {x_px, y_px, width_px, height_px}, "viewport": {begin_ns, end_ns, left_px,
// width_px}, "lanes": [{kind, task_id, label, top_px, height_px}, ...]}, in window pixels.
nlohmann::json timeline_geometry_json(const TimelineGeometry& geometry);

}  // namespace loopscope::viz
