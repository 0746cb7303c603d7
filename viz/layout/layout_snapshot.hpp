#pragma once
// What one frame put where, as plain rectangles: the texts the app drew itself (timeline
// labels, gauge overlays) with the box each must stay inside, and every ImGui window and table
// column with how far its content reached. `find_layout_problems` says what a reader would
// see cut or overlapping. Headless, so the rules are tested without a display; the app fills
// a snapshot each frame it is asked to (viz/layout/layout_audit.hpp).

#include <string>
#include <vector>

namespace loopscope::viz {

struct ScreenRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

// A text drawn through the draw list: where its glyphs are and what it labels.
struct TextBox {
  std::string text;    // as drawn (elided when the whole did not fit)
  std::string owner;   // the ImGui window it was drawn in
  ScreenRect box;      // the glyphs' extent
  ScreenRect bounds;   // what it labels: its span, band, gauge or cell
};

struct WindowExtent {
  std::string name;
  ScreenRect rect;          // the whole window
  ScreenRect visible;       // where its content can be seen (inside padding and scrollbars)
  float content_right_px = 0, content_bottom_px = 0;  // how far its items reached this frame
  bool scrolls_x = false, scrolls_y = false;           // a scrollbar shows the rest
  bool must_fit = false;    // a caption: everything must be on screen without scrolling
  bool floating = false;    // a popup, tooltip or menu: drawn over the rest on purpose
  bool child = false;       // inside `parent`, which lays it out
  std::string parent;
};

struct ColumnExtent {
  std::string window;       // the window the table is in
  int column = 0;
  float content_right_px = 0;  // how far the cells' items reached
  float clip_right_px = 0;     // where the column cuts them
};

struct LayoutSnapshot {
  int frame = 0;
  std::vector<TextBox> texts;
  std::vector<WindowExtent> windows;
  std::vector<ColumnExtent> columns;
};

struct LayoutProblem {
  std::string kind;  // "cut text", "overlapping texts", "cut window", "cut column", "overlapping windows"
  std::string what;  // names the texts or windows and by how many pixels
};

// Less than this many pixels over an edge is anti-aliasing and rounding, not a cut a reader sees.
inline constexpr float kLayoutTolerancePx = 1.5f;

std::vector<LayoutProblem> find_layout_problems(const LayoutSnapshot& snapshot);

}  // namespace loopscope::viz
