#include "panel_widgets.hpp"

namespace loopscope::viz {

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    // About 35 characters of the current font: long enough for a sentence, short enough to read.
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 35.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void no_session_hint(const char* what) { ImGui::TextDisabled("Start free play or a lesson to see %s.", what); }

void color_swatch(PackedColor color) {
  // As tall as a framed widget, so it lines up with text placed by AlignTextToFramePadding()
  // and with gauges in the same row; the square itself is one text line high, centred.
  const float side_px = ImGui::GetTextLineHeight();
  const float height_px = ImGui::GetFrameHeight();
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  const ImVec2 top_left(corner.x, corner.y + (height_px - side_px) * 0.5f);
  ImGui::GetWindowDrawList()->AddRectFilled(top_left, ImVec2(top_left.x + side_px, top_left.y + side_px), color, 2.0f);
  ImGui::Dummy(ImVec2(side_px, height_px));
}

}  // namespace loopscope::viz
