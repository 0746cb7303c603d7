#include "lesson_panel.hpp"

#include <imgui.h>

namespace loopscope::viz {

namespace {
const ImVec4 kPass(0.4f, 0.85f, 0.4f, 1);
const ImVec4 kFail(1.0f, 0.4f, 0.4f, 1);
const ImVec4 kAsk(1.0f, 0.85f, 0.3f, 1);
char choice_letter(std::size_t index) { return static_cast<char>('a' + index); }
}  // namespace

void LessonPanel::draw_controls(scenarios::LessonPlayback& director) {
  if (director.ended()) {
    ImGui::TextColored(director.timed_out() ? kFail : kPass, director.timed_out() ? "timed out" : "lesson complete");
  } else if (director.paused()) {
    if (ImGui::Button("Play")) director.resume();
  } else {
    if (ImGui::Button("Pause")) director.pause();
  }
  ImGui::SameLine();
  const bool steps_left = director.next_step() < director.lesson().steps.size();
  if (!steps_left) ImGui::BeginDisabled();
  if (ImGui::Button("Next step")) director.step_now();
  if (!steps_left) ImGui::EndDisabled();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Fire the next step now, whatever its trigger");
  ImGui::Text("lesson clock %.1f s  |  step %zu of %zu", director.lesson_time_s(),
              std::min(director.next_step() + 1, director.lesson().steps.size()), director.lesson().steps.size());
  if (const auto hit = director.breakpoint_hit()) {
    const scenarios::LessonBreakpoint& breakpoint = director.lesson().breakpoints[hit->breakpoint_index];
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kAsk, "Paused at %s #%d (%.3f s).%s%s", std::string(model::step_kind_name(breakpoint.on)).c_str(),
                       breakpoint.occurrence, static_cast<double>(hit->time_ns) / 1e9, breakpoint.note.empty() ? "" : " ",
                       breakpoint.note.c_str());
    ImGui::PopTextWrapPos();
  }
  if (director.paused() && !director.recorded()) {
    ImGui::TextDisabled("Paused: no step fires. The clients and the server keep running: they are real.");
  }
}

void LessonPanel::draw_narration(const scenarios::LessonPlayback& director) {
  const auto& fired = director.fired();
  for (std::size_t index = 0; index < fired.size(); ++index) {
    const scenarios::LessonStep& step = director.lesson().steps[fired[index].index];
    const bool newest = index + 1 == fired.size();
    ImGui::TextDisabled("%5.1f s", fired[index].lesson_time_s);
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    if (newest) {
      ImGui::TextUnformatted(step.narration.c_str());
    } else {
      ImGui::TextColored(ImVec4(0.75f, 0.75f, 0.75f, 1), "%s", step.narration.c_str());
    }
    ImGui::PopTextWrapPos();
  }
  if (fired.size() != narration_seen_) {  // a step fired (or a replay went back)
    narration_seen_ = fired.size();
    ImGui::SetScrollHereY(1.0f);
  }
}

void LessonPanel::draw_predictions(scenarios::LessonPlayback& director) {
  const auto& predictions = director.lesson().predictions;
  // Revealed ones first, in order, so the learner sees how they did.
  for (std::size_t index = 0; index < predictions.size(); ++index) {
    if (!director.revealed(index)) continue;
    const scenarios::Prediction& prediction = predictions[index];
    ImGui::PushID(static_cast<int>(index));
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Prediction: %s", prediction.question.c_str());
    const auto answer = director.answer_of(index);
    if (answer) {
      const bool right = *answer == prediction.answer;
      ImGui::TextColored(right ? kPass : kFail, "%s You said %c) %s", right ? "Right." : "Not quite.",
                         choice_letter(*answer), prediction.choices[*answer].c_str());
    }
    ImGui::Text("Answer: %c) %s", choice_letter(prediction.answer), prediction.choices[prediction.answer].c_str());
    ImGui::TextUnformatted(prediction.explanation.c_str());
    ImGui::PopTextWrapPos();
    ImGui::Separator();
    ImGui::PopID();
  }
  const std::vector<std::size_t> open = director.open_predictions();
  for (const std::size_t index : open) {
    const scenarios::Prediction& prediction = predictions[index];
    ImGui::PushID(static_cast<int>(index + 1000));
    // A question that just appeared is scrolled into view: the lesson waits for it silently.
    if (open != open_seen_) ImGui::SetScrollHereY(0.0f);
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kAsk, "Predict: %s", prediction.question.c_str());
    const auto answer = director.answer_of(index);
    for (std::size_t choice = 0; choice < prediction.choices.size(); ++choice) {
      ImGui::PushID(static_cast<int>(choice));
      // The button alone, then the choice wrapped beside it: a radio button's label never wraps.
      if (ImGui::RadioButton("##choice", answer && *answer == choice)) director.answer(index, choice);
      ImGui::SameLine();
      ImGui::Text("%c) %s", choice_letter(choice), prediction.choices[choice].c_str());
      if (ImGui::IsItemClicked()) director.answer(index, choice);
      ImGui::PopID();
    }
    ImGui::PopTextWrapPos();
    ImGui::PopID();
  }
  open_seen_ = open;
  if (director.paused() && director.breakpoint_hit()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kAsk, "Paused at a lesson breakpoint: Play (Space) goes on.");
    ImGui::PopTextWrapPos();
  }
  if (director.holding_for_answers() || (!open.empty() && director.paused())) {
    ImGui::TextColored(kAsk, "The lesson waits for your prediction.");
    ImGui::SameLine();
    if (ImGui::SmallButton("Skip and reveal")) director.reveal_now();
  }
}

void LessonPanel::draw_checks(scenarios::LessonPlayback& director) {
  if (director.ended() && !checks_evaluated_) {
    checks_ = director.evaluate_checks();
    checks_evaluated_ = true;
  }
  if (ImGui::SmallButton(checks_evaluated_ ? "Check again" : "Check now")) {
    checks_ = director.evaluate_checks();
    checks_evaluated_ = true;
  }
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Checks measure the same trace model the timeline draws: what is proved is what is shown.");
  }
  if (checks_.empty()) return;
  std::size_t passed = 0;
  for (const auto& check : checks_) passed += check.passed ? 1 : 0;
  ImGui::TextColored(passed == checks_.size() ? kPass : kFail, "%zu of %zu checks hold", passed, checks_.size());
  // A list rather than a table: the left column is narrow and the measurements are sentences.
  for (const auto& check : checks_) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(check.passed ? kPass : kFail, "%s  %s", check.passed ? "pass" : "FAIL", check.name.c_str());
    ImGui::Indent();
    ImGui::TextDisabled("measured %s; expected %s", check.measured.c_str(), check.expected.c_str());
    ImGui::Unindent();
    ImGui::PopTextWrapPos();
  }
}

void LessonPanel::draw(AppState& state) {
  if (!state.director) {
    ImGui::TextDisabled("No lesson is playing.");
    return;
  }
  scenarios::LessonPlayback& director = *state.director;
  if (director_seen_ != &director) {
    reset();
    narration_seen_ = 0;
    director_seen_ = &director;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(director.lesson().title.c_str());
  ImGui::TextDisabled("%s", director.lesson().summary.c_str());
  ImGui::PopTextWrapPos();
  // Which run the class is looking at, always in view.
  if (director.recorded()) {
    ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1), "RECORDED RUN");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", state.loaded ? state.loaded->origin_short.c_str() : "");
  } else if (state.session) {
    ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.35f, 1), "LIVE");
    ImGui::SameLine();
    ImGui::TextDisabled("on %s:%u", state.session->host().c_str(), static_cast<unsigned>(state.session->port()));
  }
  draw_controls(director);
  ImGui::Separator();
  // The story gets the room until there are check results; then they share it.
  const float story_height = checks_.empty() ? -ImGui::GetFrameHeightWithSpacing() * 1.5f
                                             : ImGui::GetContentRegionAvail().y * 0.55f;
  ImGui::BeginChild("lesson_story", ImVec2(0, story_height), false);
  draw_narration(director);
  ImGui::Separator();
  draw_predictions(director);
  ImGui::EndChild();
  ImGui::Separator();
  ImGui::BeginChild("lesson_checks", ImVec2(0, 0), false);
  draw_checks(director);
  ImGui::EndChild();
}

}  // namespace loopscope::viz
