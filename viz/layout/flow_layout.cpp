#include "flow_layout.hpp"

#include <imgui.h>

namespace loopscope::viz {

void same_line_if_room(float next_width_px, float spacing_px) {
  const float spacing = spacing_px < 0 ? ImGui::GetStyle().ItemSpacing.x : spacing_px;
  const float right_edge_px = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + spacing + next_width_px <= right_edge_px) ImGui::SameLine(0, spacing);
}

float checkbox_width_px(const char* label) {
  const ImGuiStyle& style = ImGui::GetStyle();
  return ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

float button_width_px(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

}  // namespace loopscope::viz
