#include "compare_replay_bar.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/replay/replay_controls.hpp"

namespace loopscope::viz {

void CompareReplayBar::advance(RunComparison& comparison) {
  const auto now = std::chrono::steady_clock::now();
  const auto wall_ns =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_frame_).count());
  last_frame_ = now;
  if (!comparison.playing) return;
  // As for one replay: a frame that took very long must not jump past what the class watched.
  if (comparison.replay->advance_by(std::min<std::uint64_t>(wall_ns, 100'000'000), comparison.speed)) {
    comparison.playing = false;
    last_stop_ = "end of both recordings";
  }
}

void CompareReplayBar::toggle_play(RunComparison& comparison) {
  if (!comparison.playing && comparison.replay->at_end()) comparison.replay->seek(0);
  comparison.playing = !comparison.playing;
  last_stop_.clear();
}

void CompareReplayBar::step(RunComparison& comparison, bool forward) {
  comparison.playing = false;
  const bool moved = forward ? comparison.replay->step_forward(step_kind_) : comparison.replay->step_backward(step_kind_);
  last_stop_ = moved ? "" : std::string("no ") + (forward ? "later " : "earlier ") +
                                std::string(model::step_kind_name(step_kind_)) + " in either run";
}

void CompareReplayBar::apply(RunComparison& comparison, KeyCommand command) {
  switch (command) {
    case KeyCommand::PlayPause: toggle_play(comparison); break;
    case KeyCommand::Next: step(comparison, true); break;
    case KeyCommand::Previous: step(comparison, false); break;
    case KeyCommand::Faster: comparison.speed = model::clamp_replay_speed(comparison.speed * 2); break;
    case KeyCommand::Slower: comparison.speed = model::clamp_replay_speed(comparison.speed / 2); break;
    case KeyCommand::GoToStart:
      comparison.playing = false;
      comparison.replay->seek(0);
      break;
    case KeyCommand::GoToEnd:
      comparison.playing = false;
      comparison.replay->seek(comparison.end_ns());
      break;
    default: break;
  }
}

void CompareReplayBar::draw(RunComparison& comparison) {
  LockstepReplay& replay = *comparison.replay;
  ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1), "COMPARING");
  ImGui::SameLine();
  if (ImGui::Button(comparison.playing ? "Pause" : "Play")) toggle_play(comparison);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Both runs from the same moment since their start (Space)");
  ImGui::SameLine();
  // Speed on a log scale, as for one replay: 0.01x and 0.1x get as much room as 1x.
  float speed_log = static_cast<float>(std::log10(comparison.speed));
  char speed_text[32];
  std::snprintf(speed_text, sizeof speed_text, "%.2gx", comparison.speed);
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("0.01x").x * 3);
  if (ImGui::SliderFloat("##compare_speed", &speed_log, -2.0f, 0.0f, speed_text)) {
    comparison.speed = model::clamp_replay_speed(std::pow(10.0, static_cast<double>(speed_log)));
  }
  ImGui::SameLine();
  float at_s = static_cast<float>(static_cast<double>(replay.time_ns()) / 1e9);
  const float end_s = static_cast<float>(static_cast<double>(replay.end_ns()) / 1e9);
  ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x * 0.3f));
  if (ImGui::SliderFloat("##compare_scrub", &at_s, 0.0f, end_s, "t = %.3f s")) {
    comparison.playing = false;
    replay.seek(static_cast<std::uint64_t>(static_cast<double>(at_s) * 1e9));
  }
  ImGui::SameLine();
  if (ImGui::ArrowButton("##compare_back", ImGuiDir_Left)) step(comparison, false);
  ImGui::SameLine();
  step_kind_combo("##compare_step_kind", step_kind_);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##compare_forward", ImGuiDir_Right)) step(comparison, true);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Next event of this kind in either run (Right); previous (Left)");
  if (!last_stop_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.85f, 0.3f, 1), "%s", last_stop_.c_str());
  }
}

}  // namespace loopscope::viz
