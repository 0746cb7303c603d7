#include "layout_snapshot.hpp"

#include <algorithm>
#include <cstdio>

namespace loopscope::viz {

namespace {

std::string pixels(float amount_px) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f px", static_cast<double>(amount_px));
  return text;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// How far `inner` reaches past `outer` on its worst side.
float overshoot_px(const ScreenRect& inner, const ScreenRect& outer) {
  return std::max({outer.x0 - inner.x0, inner.x1 - outer.x1, outer.y0 - inner.y0, inner.y1 - outer.y1, 0.0f});
}

float overlap_px(float a0, float a1, float b0, float b1) { return std::min(a1, b1) - std::max(a0, b0); }

bool overlapping(const ScreenRect& a, const ScreenRect& b) {
  return overlap_px(a.x0, a.x1, b.x0, b.x1) > kLayoutTolerancePx && overlap_px(a.y0, a.y1, b.y0, b.y1) > kLayoutTolerancePx;
}

void check_texts(const LayoutSnapshot& snapshot, std::vector<LayoutProblem>& problems) {
  for (std::size_t index = 0; index < snapshot.texts.size(); ++index) {
    const TextBox& text = snapshot.texts[index];
    if (text.box.empty()) continue;
    if (const float over_px = overshoot_px(text.box, text.bounds); over_px > kLayoutTolerancePx) {
      problems.push_back({"cut text", quoted(text.text) + " in " + text.owner + " runs " + pixels(over_px) +
                                          " past what it labels"});
    }
    for (std::size_t other_index = index + 1; other_index < snapshot.texts.size(); ++other_index) {
      const TextBox& other = snapshot.texts[other_index];
      if (other.owner != text.owner || other.box.empty() || !overlapping(text.box, other.box)) continue;
      problems.push_back({"overlapping texts", quoted(text.text) + " and " + quoted(other.text) + " in " + text.owner});
    }
  }
}

const WindowExtent* window_named(const LayoutSnapshot& snapshot, const std::string& name) {
  for (const WindowExtent& window : snapshot.windows) {
    if (window.name == name) return &window;
  }
  return nullptr;
}

void check_windows(const LayoutSnapshot& snapshot, std::vector<LayoutProblem>& problems) {
  for (const WindowExtent& window : snapshot.windows) {
    if (window.visible.empty()) continue;
    const float over_right_px = window.content_right_px - window.visible.x1;
    if (over_right_px > kLayoutTolerancePx && !window.scrolls_x) {
      problems.push_back({"cut window", window.name + ": its content runs " + pixels(over_right_px) + " past its right edge"});
    }
    const float over_bottom_px = window.content_bottom_px - window.visible.y1;
    if (over_bottom_px > kLayoutTolerancePx && (!window.scrolls_y || window.must_fit)) {
      problems.push_back({"cut window", window.name + ": its content runs " + pixels(over_bottom_px) +
                                            (window.must_fit ? " below its bottom (it must show all of it)" : " below its bottom, with no scrollbar")});
    }
    if (window.child) {
      // A child wider than the room its parent gives it is cut by the parent.
      if (const WindowExtent* parent = window_named(snapshot, window.parent)) {
        const float past_parent_px = window.rect.x1 - parent->visible.x1;
        if (past_parent_px > kLayoutTolerancePx && !parent->scrolls_x) {
          problems.push_back({"cut window", window.name + " reaches " + pixels(past_parent_px) + " past " + parent->name});
        }
      }
    }
  }
  // The app's panels tile the screen; popups and tooltips float over them on purpose.
  for (std::size_t index = 0; index < snapshot.windows.size(); ++index) {
    const WindowExtent& window = snapshot.windows[index];
    if (window.floating || window.child) continue;
    for (std::size_t other_index = index + 1; other_index < snapshot.windows.size(); ++other_index) {
      const WindowExtent& other = snapshot.windows[other_index];
      if (other.floating || other.child || !overlapping(window.rect, other.rect)) continue;
      problems.push_back({"overlapping windows", window.name + " and " + other.name});
    }
  }
}

void check_columns(const LayoutSnapshot& snapshot, std::vector<LayoutProblem>& problems) {
  for (const ColumnExtent& column : snapshot.columns) {
    const float over_px = column.content_right_px - column.clip_right_px;
    if (over_px > kLayoutTolerancePx) {
      problems.push_back({"cut column", "column " + std::to_string(column.column + 1) + " of a table in " + column.window +
                                            ": its cells run " + pixels(over_px) + " past it"});
    }
  }
}

}  // namespace

std::vector<LayoutProblem> find_layout_problems(const LayoutSnapshot& snapshot) {
  std::vector<LayoutProblem> problems;
  check_texts(snapshot, problems);
  check_windows(snapshot, problems);
  check_columns(snapshot, problems);
  return problems;
}

}  // namespace loopscope::viz
