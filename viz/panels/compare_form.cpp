#include "compare_form.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "viz/compare/run_comparison.hpp"

namespace loopscope::viz {

std::optional<std::string> CompareForm::draw(AppState& state, SessionLauncher& launcher) {
  ImGui::TextUnformatted("Compare two runs");
  ImGui::TextDisabled("Side by side on one time axis, e.g. with and without drain().");
  ImGui::SetNextItemWidth(-70);
  ImGui::InputTextWithHint("A##compare_first", "a.trace or a lesson name (on top)", &first_source_);
  ImGui::SetNextItemWidth(-70);
  ImGui::InputTextWithHint("B##compare_second", "b.trace or a lesson name", &second_source_);
  const bool ready = !first_source_.empty() && !second_source_.empty();
  if (!ready) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button("Compare");
  if (!ready) ImGui::EndDisabled();
  if (!pressed) return std::nullopt;
  // A refused run says which one and why (missing, bad magic, checksum, version...).
  return open_comparison(state, launcher, first_source_, second_source_) ? std::string() : state.status_message;
}

}  // namespace loopscope::viz
