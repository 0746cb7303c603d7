#include "replay_controls.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viz/layout/fitted_text.hpp"
#include "viz/timeline/timeline_builder.hpp"

namespace loopscope::viz {

namespace {

constexpr model::StepKind kKinds[] = {model::StepKind::Suspension, model::StepKind::DrainStall,
                                      model::StepKind::Freeze, model::StepKind::ClientReply,
                                      model::StepKind::AnyEvent};

}  // namespace

bool step_kind_combo(const char* label, model::StepKind& kind) {
  bool changed = false;
  const std::string current(model::step_kind_name(kind));
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("client reply____").x + ImGui::GetFrameHeight());
  if (ImGui::BeginCombo(label, current.c_str())) {
    for (const model::StepKind option : kKinds) {
      const std::string name(model::step_kind_name(option));
      if (ImGui::Selectable(name.c_str(), option == kind)) {
        kind = option;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool ReplayControls::playing(const AppState& state) {
  return state.director ? !state.director->paused() : state.loaded->playing;
}

void ReplayControls::set_playing(AppState& state, bool playing) {
  if (state.director) {
    if (playing) state.director->resume();
    else state.director->pause();
    return;
  }
  if (playing && state.loaded->cursor->at_end()) state.loaded->cursor->seek(0);
  state.loaded->playing = playing;
}

double ReplayControls::speed(const AppState& state) { return state.director ? state.director->speed() : state.loaded->speed; }

void ReplayControls::set_speed(AppState& state, double speed) {
  if (state.director) state.director->set_speed(model::clamp_replay_speed(speed));
  else state.loaded->speed = model::clamp_replay_speed(speed);
}

void ReplayControls::advance(AppState& state) {
  const auto now = std::chrono::steady_clock::now();
  const auto wall_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_frame_).count());
  last_frame_ = now;
  // A lesson over the replay moves the cursor itself (and holds it before a reveal).
  if (state.director || !state.loaded || !state.loaded->cursor || !state.loaded->playing) return;
  // A frame that took very long (the window was dragged, the machine stalled) must not jump
  // the replay ahead past what the class was watching.
  const std::uint64_t capped_ns = std::min<std::uint64_t>(wall_ns, 100'000'000);
  const model::AdvanceResult result = state.loaded->cursor->advance_by(capped_ns, state.loaded->speed);
  if (!result.stopped) return;
  state.loaded->playing = false;
  if (result.reason == model::StopReason::EndOfTrace) {
    last_stop_ = "end of the recording";
  } else if (result.breakpoint_index) {
    const model::Breakpoint& breakpoint = state.loaded->cursor->breakpoints()[*result.breakpoint_index];
    last_stop_ = "paused at " + std::string(model::step_kind_name(breakpoint.kind)) + " #" +
                 std::to_string(breakpoint.occurrence);
  }
}

void ReplayControls::step(AppState& state, bool forward) {
  model::ReplayCursor& cursor = *state.loaded->cursor;
  set_playing(state, false);
  const bool moved = forward ? cursor.step_forward(step_kind_) : cursor.step_backward(step_kind_);
  last_stop_ = moved ? "" : std::string("no ") + (forward ? "later " : "earlier ") + std::string(model::step_kind_name(step_kind_));
}

void ReplayControls::change_speed(AppState& state, double factor) { set_speed(state, speed(state) * factor); }

void ReplayControls::apply(AppState& state, KeyCommand command) {
  if (state.director || !state.loaded || !state.loaded->cursor) return;
  model::ReplayCursor& cursor = *state.loaded->cursor;
  switch (command) {
    case KeyCommand::PlayPause:
      if (cursor.at_end()) cursor.seek(0);
      state.loaded->playing = !state.loaded->playing;
      last_stop_.clear();
      break;
    case KeyCommand::Next: step(state, true); break;
    case KeyCommand::Previous: step(state, false); break;
    case KeyCommand::Faster: change_speed(state, 2); break;
    case KeyCommand::Slower: change_speed(state, 0.5); break;
    case KeyCommand::GoToStart:
      state.loaded->playing = false;
      cursor.seek(0);
      break;
    case KeyCommand::GoToEnd:
      state.loaded->playing = false;
      cursor.seek(cursor.end_ns());
      break;
    default: break;  // lesson and app keys
  }
}

void ReplayControls::draw(AppState& state, bool show_origin) {
  if (!state.loaded || !state.loaded->cursor) return;
  LoadedTrace& loaded = *state.loaded;
  model::ReplayCursor& cursor = *loaded.cursor;
  if (show_origin) {
    ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1), "RECORDED");
    ImGui::SameLine();
  }
  if (ImGui::Button(playing(state) ? "Pause" : "Play")) {
    set_playing(state, !playing(state));
    last_stop_.clear();
  }
  ImGui::SameLine();
  // Speed on a log scale: 0.01x and 0.1x need as much room on the slider as 1x.
  float speed_log = static_cast<float>(std::log10(speed(state)));
  ImGui::SetNextItemWidth(140);
  char speed_text[32];
  std::snprintf(speed_text, sizeof speed_text, "%.2gx", speed(state));
  if (ImGui::SliderFloat("##speed", &speed_log, -2.0f, 0.0f, speed_text)) {
    set_speed(state, std::pow(10.0, static_cast<double>(speed_log)));
  }
  ImGui::SameLine();
  // The scrubber: drag to any moment; the model is rebuilt as it stood then.
  float at_s = static_cast<float>(static_cast<double>(cursor.time_ns()) / 1e9);
  const float end_s = static_cast<float>(static_cast<double>(cursor.end_ns()) / 1e9);
  ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x * 0.35f));
  if (ImGui::SliderFloat("##scrub", &at_s, 0.0f, end_s, "%.3f s")) {
    set_playing(state, false);
    cursor.seek(static_cast<std::uint64_t>(static_cast<double>(at_s) * 1e9));
  }
  ImGui::SameLine();
  if (ImGui::ArrowButton("##step_back", ImGuiDir_Left)) step(state, false);
  ImGui::SameLine();
  step_kind_combo("##step_kind", step_kind_);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##step_forward", ImGuiDir_Right)) step(state, true);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Next event of this kind (Right); previous (Left)");
  ImGui::SameLine();
  if (ImGui::SmallButton("Breakpoints")) ImGui::OpenPopup("replay_breakpoints");
  if (ImGui::BeginPopup("replay_breakpoints")) {
    ImGui::TextUnformatted("Pause playback at the Nth event of a kind");
    step_kind_combo("##bp_kind", breakpoint_kind_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("##bp_occurrence", &breakpoint_occurrence_);
    breakpoint_occurrence_ = std::max(1, breakpoint_occurrence_);
    ImGui::SameLine();
    if (ImGui::Button("Add")) cursor.add_breakpoint(breakpoint_kind_, breakpoint_occurrence_);
    for (const model::Breakpoint& breakpoint : cursor.breakpoints()) {
      const auto when = cursor.breakpoint_time(breakpoint);
      ImGui::BulletText("%s #%d: %s", std::string(model::step_kind_name(breakpoint.kind)).c_str(), breakpoint.occurrence,
                        when ? format_duration_ns(*when).c_str() : "never happens in this trace");
    }
    if (!cursor.breakpoints().empty() && ImGui::SmallButton("Clear all")) cursor.clear_breakpoints();
    ImGui::EndPopup();
  }
  if (!last_stop_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.85f, 0.3f, 1), "%s", elided_to_width(last_stop_, ImGui::GetContentRegionAvail().x).c_str());
  }
  // Where the recording came from goes last, cut to the room left: a long file name must not
  // push Play and the step buttons off the bar (its tooltip has all of it).
  if (show_origin) {
    ImGui::SameLine();
    const std::string origin = elided_to_width(loaded.origin, ImGui::GetContentRegionAvail().x);
    if (!origin.empty()) {
      ImGui::TextDisabled("%s", origin.c_str());
      if (origin != loaded.origin && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", loaded.origin.c_str());
    }
  }
}

}  // namespace loopscope::viz
