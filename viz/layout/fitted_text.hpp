#pragma once
// Texts the app draws itself (timeline labels, banners) stay inside what they label: cut to
// the room with "..." when the whole does not fit (the tooltip over it has all of it), never
// run over the next span, and are noted for the layout audit.

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

#include "viz/layout/layout_snapshot.hpp"

namespace loopscope::viz {

// The longest prefix of `text` that fits `width_px` with "..." after it, or `text` itself when
// it fits whole; empty when not even "..." fits. `font` null: the current font and size.
std::string elided_to_width(std::string_view text, float width_px, ImFont* font = nullptr, float font_size_px = 0);

// The first of `wordings` (longest first) that fits `width_px` in the current font; the last
// (elided) if none does.
std::string fitting_text(const std::vector<std::string>& wordings, float width_px);

// Draws `text` (elided) at `top_left`, inside `bounds` (the right edge limits the width; the
// rest is what the audit checks). Returns the width drawn, 0 when nothing fitted.
float draw_fitted_text(ImDrawList* draw_list, ImVec2 top_left, ImU32 color, std::string_view text,
                       const ScreenRect& bounds, ImFont* font = nullptr, float font_size_px = 0);

}  // namespace loopscope::viz
