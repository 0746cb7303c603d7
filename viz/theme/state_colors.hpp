#pragma once
// The colours that say why a task is not running, shared by the timeline, the legend, the
// panels and the pixel test. Packed like ImGui's IM_COL32 (R in the low byte), but defined
// here without ImGui so the headless draw-list code and its tests can use them.

#include <cstdint>
#include <string_view>

#include "core/model/task_state.hpp"

namespace loopscope::viz {

using PackedColor = std::uint32_t;

constexpr PackedColor pack_rgba(std::uint8_t red, std::uint8_t green, std::uint8_t blue, std::uint8_t alpha = 255) {
  return static_cast<PackedColor>(red) | static_cast<PackedColor>(green) << 8 | static_cast<PackedColor>(blue) << 16 |
         static_cast<PackedColor>(alpha) << 24;
}
constexpr std::uint8_t red_of(PackedColor color) { return color & 0xff; }
constexpr std::uint8_t green_of(PackedColor color) { return (color >> 8) & 0xff; }
constexpr std::uint8_t blue_of(PackedColor color) { return (color >> 16) & 0xff; }

// One colour per TaskState (Okabe-Ito palette: distinguishable with the common colour-vision
// deficiencies, and far enough apart that a pixel test can tell them apart).
PackedColor state_color(model::TaskState state);
// What the legend says for the state: "awaiting readline / read".
std::string_view state_legend_text(model::TaskState state);

namespace colors {
inline constexpr PackedColor kLoopBusy = pack_rgba(235, 235, 235);
inline constexpr PackedColor kLoopIdle = pack_rgba(48, 52, 58);
inline constexpr PackedColor kLoopBlocked = pack_rgba(255, 80, 80);  // a handler stuck past the freeze threshold
inline constexpr PackedColor kLaneBackground = pack_rgba(30, 33, 38);
inline constexpr PackedColor kLaneBackgroundAlternate = pack_rgba(36, 39, 45);
inline constexpr PackedColor kFreezeBand = pack_rgba(220, 40, 40, 70);
inline constexpr PackedColor kFreezeEdge = pack_rgba(255, 80, 80, 220);
inline constexpr PackedColor kWriterLevel = pack_rgba(230, 159, 0, 170);
inline constexpr PackedColor kReaderLevel = pack_rgba(86, 180, 233, 230);
inline constexpr PackedColor kThreadsLevel = pack_rgba(204, 121, 167, 220);   // process lane: threads
inline constexpr PackedColor kResidentLevel = pack_rgba(0, 158, 115, 200);    // process lane: resident memory
inline constexpr PackedColor kHighWater = pack_rgba(255, 90, 90, 230);
inline constexpr PackedColor kLowWater = pack_rgba(120, 220, 120, 230);
inline constexpr PackedColor kArrow = pack_rgba(255, 255, 255, 200);
inline constexpr PackedColor kMarkerText = pack_rgba(10, 10, 10);
inline constexpr PackedColor kLightText = pack_rgba(230, 230, 230);
inline constexpr PackedColor kMark = pack_rgba(200, 160, 255, 220);
inline constexpr PackedColor kWarningMarker = pack_rgba(255, 150, 30, 240);  // a warning's moment (docs/warnings.md)
inline constexpr PackedColor kLessonStep = pack_rgba(255, 255, 255, 150);  // lesson step lines in a replay
inline constexpr PackedColor kHeldBand = pack_rgba(120, 140, 200, 45);    // a live lesson held its clients
inline constexpr PackedColor kHeldEdge = pack_rgba(150, 170, 230, 200);
inline constexpr PackedColor kLabelBox = pack_rgba(20, 20, 24, 220);       // behind labels drawn over lanes
}  // namespace colors

}  // namespace loopscope::viz
