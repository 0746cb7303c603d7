#pragma once
// Small widgets every panel uses, so they look and behave the same everywhere: the `(?)`
// help marker (Dear ImGui demo's habit), the hint shown before any session exists, and the
// conversion from the theme's packed colours to what ImGui's text functions take.

#include <imgui.h>

#include <string>
#include <vector>

#include "viz/layout/fitted_text.hpp"  // fitting_text, which panels use everywhere
#include "viz/theme/state_colors.hpp"

// PackedColor is handed to ImDrawList as an ImU32, which only holds with ImGui's default RGBA packing.
#ifdef IMGUI_USE_BGRA_PACKED_COLOR
#error "loopscope's PackedColor is RGBA; build ImGui without IMGUI_USE_BGRA_PACKED_COLOR"
#endif

namespace loopscope::viz {

// A greyed "(?)" on the current line; hovering it shows `text`, wrapped to a readable width.
void help_marker(const char* text);

// The one line a panel shows while there is no session: "Start free play or a lesson to see <what>."
void no_session_hint(const char* what);

// A filled square in the colour, one text line high, centred in an item as tall as a framed
// widget (so it lines up in table rows and can carry a tooltip).
void color_swatch(PackedColor color);

inline ImVec4 to_imvec4(PackedColor color) {
  constexpr float kScale = 1.0f / 255.0f;
  return ImVec4(static_cast<float>(red_of(color)) * kScale, static_cast<float>(green_of(color)) * kScale,
                static_cast<float>(blue_of(color)) * kScale, static_cast<float>(color >> 24) * kScale);
}

namespace panel_colors {
// Alarm and caution, as the timeline's freeze band and drain colours say them.
inline constexpr PackedColor kAlarm = pack_rgba(255, 90, 90);
inline constexpr PackedColor kCaution = pack_rgba(230, 159, 0);
inline constexpr PackedColor kGood = pack_rgba(120, 220, 120);
}  // namespace panel_colors

}  // namespace loopscope::viz
