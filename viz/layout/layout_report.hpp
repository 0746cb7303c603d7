#pragma once
// A frame's layout as JSON for the app's --report: the texts with their boxes, the windows
// with how far their content reached, and what find_layout_problems made of them.

#include <nlohmann/json.hpp>
#include <vector>

#include "viz/layout/layout_snapshot.hpp"

namespace loopscope::viz {

nlohmann::json layout_problems_json(const std::vector<LayoutProblem>& problems);
nlohmann::json layout_json(const LayoutSnapshot& snapshot);  // includes "problems"

}  // namespace loopscope::viz
