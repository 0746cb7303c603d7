#include "app_theme.hpp"

#include <imgui.h>

namespace loopscope::viz {

void apply_desktop_theme() {
  ImGuiStyle style;  // start from the defaults, so switching back undoes the classroom sizes
  ImGui::StyleColorsDark(&style);
  style.FrameRounding = 3;
  ImGui::GetStyle() = style;
}

void apply_presentation_theme() {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  // Projectors wash out dark greys: pure black behind, pure white in front, and borders thick
  // enough to survive a long throw.
  ImVec4* colors = style.Colors;
  colors[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 1);
  colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 1);
  colors[ImGuiCol_PopupBg] = ImVec4(0.05f, 0.05f, 0.05f, 1);
  colors[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
  colors[ImGuiCol_TextDisabled] = ImVec4(0.8f, 0.8f, 0.8f, 1);
  colors[ImGuiCol_Border] = ImVec4(1, 1, 1, 0.6f);
  colors[ImGuiCol_FrameBg] = ImVec4(0.15f, 0.15f, 0.15f, 1);
  colors[ImGuiCol_Button] = ImVec4(0.1f, 0.3f, 0.7f, 1);
  colors[ImGuiCol_ButtonHovered] = ImVec4(0.2f, 0.45f, 0.9f, 1);
  colors[ImGuiCol_Header] = ImVec4(0.1f, 0.3f, 0.7f, 1);
  style.WindowBorderSize = 2;
  style.ChildBorderSize = 2;
  style.FrameBorderSize = 1;
  style.ItemSpacing = ImVec2(12, 8);
  style.FramePadding = ImVec2(8, 5);
  style.FrameRounding = 4;
  ImGui::GetStyle() = style;
}

}  // namespace loopscope::viz
