#include "layout_report.hpp"

namespace loopscope::viz {

namespace {

nlohmann::json rect_json(const ScreenRect& rect) { return {rect.x0, rect.y0, rect.x1, rect.y1}; }

}  // namespace

nlohmann::json layout_problems_json(const std::vector<LayoutProblem>& problems) {
  nlohmann::json out = nlohmann::json::array();
  for (const LayoutProblem& problem : problems) out.push_back({{"kind", problem.kind}, {"what", problem.what}});
  return out;
}

nlohmann::json layout_json(const LayoutSnapshot& snapshot) {
  nlohmann::json texts = nlohmann::json::array();
  for (const TextBox& text : snapshot.texts) {
    texts.push_back({{"text", text.text}, {"owner", text.owner}, {"box", rect_json(text.box)}, {"bounds", rect_json(text.bounds)}});
  }
  nlohmann::json windows = nlohmann::json::array();
  for (const WindowExtent& window : snapshot.windows) {
    windows.push_back({{"name", window.name},
                       {"rect", rect_json(window.rect)},
                       {"visible", rect_json(window.visible)},
                       {"content_right_px", window.content_right_px},
                       {"content_bottom_px", window.content_bottom_px},
                       {"scrolls_x", window.scrolls_x},
                       {"scrolls_y", window.scrolls_y},
                       {"must_fit", window.must_fit},
                       {"floating", window.floating},
                       {"child", window.child}});
  }
  return {{"frame", snapshot.frame},
          {"texts", texts},
          {"windows", windows},
          {"problems", layout_problems_json(find_layout_problems(snapshot))}};
}

}  // namespace loopscope::viz
