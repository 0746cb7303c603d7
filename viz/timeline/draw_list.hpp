#pragma once
// The flat list of shapes one timeline frame draws, in screen pixels: the output of the
// headless preprocessing step (culling, folding, colours) and the input of the ImGui step.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "viz/theme/state_colors.hpp"

namespace loopscope::viz {

struct DrawRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  PackedColor color = 0;
  std::uint32_t folded_spans = 0;  // 0: one span; n: n spans narrower than a pixel, folded
};

struct DrawLine {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  PackedColor color = 0;
  float thickness_px = 1;
  bool arrow_head = false;  // at (x1, y1)
};

struct DrawText {
  float x = 0, y = 0;
  float clip_right_px = 0;  // the text is cut at this x (the end of its span)
  PackedColor color = 0;
  std::string text;
  PackedColor background = 0;  // 0: none; else a box behind the text, to read it over lanes
};

struct DrawList {
  std::vector<DrawRect> rects;        // lane contents
  std::vector<DrawRect> bands;        // freeze bands, drawn over every lane
  std::vector<DrawLine> lines;        // water marks, arrows, marks
  std::vector<DrawText> texts;        // suspension sites, band and mark labels
  std::size_t spans_visited = 0;      // how much of the model this frame looked at
  void clear() {
    rects.clear();
    bands.clear();
    lines.clear();
    texts.clear();
    spans_visited = 0;
  }
};

}  // namespace loopscope::viz
