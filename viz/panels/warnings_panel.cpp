#include "warnings_panel.hpp"

#include <imgui.h>

#include <cstdio>
#include <string>

#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_widgets.hpp"

namespace loopscope::viz {

namespace {
const ImVec4 kWarningColor(1.0f, 0.6f, 0.15f, 1.0f);  // the timeline marker's orange
}

void WarningsPanel::draw(AppState& state) {
  if (state.model() == nullptr) {
    no_session_hint("the mistakes Loopscope finds");
    return;
  }
  const auto& warnings = state.warnings.list();
  if (warnings.empty()) {
    ImGui::TextDisabled("No warnings: no blocking call, no write without drain(), no leak so far.");
    help_marker("Loopscope names the mistakes the asyncio texts warn about: a callback that held the loop "
                "past 100 ms (asyncio's slow_callback_duration), a task that never reached an await, "
                "write() with no drain(), a connection never closed or a close never awaited, a read with no "
                "deadline, dropped events. docs/warnings.md lists them.");
    return;
  }
  ImGui::Text("%zu warning%s. Click one to see its moment.", warnings.size(), warnings.size() == 1 ? "" : "s");
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("warnings", 3, kFlags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("000.000 s").x);
  ImGui::TableSetupColumn("warning", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("Blocking call on the loop").x);
  ImGui::TableSetupColumn("what happened", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  for (std::size_t index = 0; index < warnings.size(); ++index) {
    const model::Warning& warning = warnings[index];
    ImGui::TableNextRow();
    ImGui::PushID(static_cast<int>(index));
    ImGui::TableNextColumn();
    char when[32];
    std::snprintf(when, sizeof when, "%.3f s", static_cast<double>(warning.time_ns) / 1e9);
    const bool shown = state.warnings.shown() == index;
    if (ImGui::Selectable(when, shown, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
      state.warnings.show(index, state.navigation, state.selected_task);
    }
    note_last_item(when);  // the layout audit, and where a GUI test clicks
    const bool hovered = ImGui::IsItemHovered();
    ImGui::TableNextColumn();
    ImGui::TextColored(kWarningColor, "%s", std::string(model::warning_title(warning.kind)).c_str());
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(warning.message.c_str());
    ImGui::PopTextWrapPos();
    if (hovered) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
      ImGui::TextColored(kWarningColor, "%s", std::string(model::warning_title(warning.kind)).c_str());
      ImGui::TextUnformatted(std::string(model::warning_why(warning.kind)).c_str());
      ImGui::Spacing();
      ImGui::TextUnformatted(("Instead: " + std::string(model::warning_fix(warning.kind))).c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace loopscope::viz
