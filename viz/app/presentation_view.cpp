#include "presentation_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "viz/layout/fitted_text.hpp"
#include "viz/layout/flow_layout.hpp"
#include "viz/layout/layout_audit.hpp"

namespace loopscope::viz {

namespace {

const ImVec4 kQuestion(1.0f, 0.85f, 0.2f, 1);
const ImVec4 kRight(0.45f, 0.95f, 0.45f, 1);
const ImVec4 kLive(1.0f, 0.35f, 0.35f, 1);
const ImVec4 kRecorded(0.55f, 0.8f, 1.0f, 1);


char choice_letter(std::size_t index) { return static_cast<char>('a' + index); }

void draw_answer(const scenarios::Prediction& prediction, std::optional<std::size_t> chosen) {
  ImGui::TextColored(kRight, "Answer: %c) %s", choice_letter(prediction.answer),
                     prediction.choices[prediction.answer].c_str());
  if (chosen) {
    ImGui::SameLine();
    ImGui::TextDisabled(*chosen == prediction.answer ? "(the class said %c: right)" : "(the class said %c)",
                        choice_letter(*chosen));
  }
  ImGui::TextUnformatted(prediction.explanation.c_str());
}

}  // namespace

LaneOptions PresentationView::lane_options_for(float font_size_px, const LaneOptions& desktop) {
  LaneOptions options = desktop;
  options.loop_height_px = font_size_px + 14;
  options.header_height_px = font_size_px + 8;
  options.task_height_px = font_size_px + 10;
  options.buffers_height_px = font_size_px * 2.5f;
  options.gap_px = 3;
  return options;
}

void PresentationView::review_step(AppState& state, std::size_t fired_index) {
  const auto& fired = state.director->fired();
  reviewing_ = fired_index;
  // Show the moment the step fired, with a little before it and what followed.
  const auto at_ns = static_cast<std::uint64_t>(fired[fired_index].session_time_s * 1e9);
  const std::uint64_t before_ns = 1'000'000'000;
  const std::uint64_t next_ns = fired_index + 1 < fired.size()
                                    ? static_cast<std::uint64_t>(fired[fired_index + 1].session_time_s * 1e9)
                                    : state.now_ns();
  state.navigation.show_range(at_ns > before_ns ? at_ns - before_ns : 0, std::max(next_ns, at_ns + 2 * before_ns));
}

void PresentationView::step_forward(AppState& state) {
  if (!state.director) return;
  if (!pinned_answers_.empty()) {  // moving on from the answers is the first step forward
    pinned_answers_.clear();
    return;
  }
  if (reviewing_) {
    if (*reviewing_ + 1 < state.director->fired().size()) {
      review_step(state, *reviewing_ + 1);
    } else {
      reviewing_.reset();  // back to now
      state.navigation.set_follow_live(true);
    }
    return;
  }
  state.director->step_now();
}

void PresentationView::step_backward(AppState& state) {
  if (!state.director) return;
  // A recorded run goes back in time itself: the step is shown again as it happened.
  if (state.director->recorded()) {
    state.director->step_back();
    return;
  }
  if (state.director->fired().empty()) return;
  const std::size_t newest = state.director->fired().size() - 1;
  const std::size_t target = reviewing_ ? (*reviewing_ > 0 ? *reviewing_ - 1 : 0) : newest;
  review_step(state, target);
}

PresentationView::KeyRequests PresentationView::apply(AppState& state, KeyCommand command) {
  KeyRequests requests;
  if (!state.director) return requests;
  scenarios::LessonPlayback& director = *state.director;
  switch (command) {
    case KeyCommand::PlayPause:
      if (director.paused()) director.resume();
      else director.pause();
      break;
    case KeyCommand::Next:
      // A warning on show goes first: Right is "back to the lesson".
      if (state.warnings.shown()) state.warnings.hide();
      else step_forward(state);
      break;
    case KeyCommand::Previous: step_backward(state); break;
    case KeyCommand::Reveal: director.reveal_now(); break;
    case KeyCommand::Faster: director.set_speed(std::min(director.speed() * 2, director.max_speed())); break;
    case KeyCommand::Slower: director.set_speed(std::max(director.speed() / 2, director.min_speed())); break;
    case KeyCommand::LiveOrRecorded: requests.switch_live_or_recorded = true; break;
    case KeyCommand::GoToStart:
      reviewing_.reset();
      state.navigation.fit_all(state.now_ns());
      break;
    case KeyCommand::GoToEnd:
      reviewing_.reset();
      state.navigation.set_follow_live(true);
      break;
    case KeyCommand::TogglePresentation:
    case KeyCommand::Leave:
    case KeyCommand::NextWarning: break;  // the app's own
  }
  return requests;
}

void PresentationView::track_reveals(const scenarios::LessonPlayback& director, bool presenting) {
  const std::size_t count = director.lesson().predictions.size();
  if (answers_seen_.size() != count) answers_seen_.assign(count, false);
  for (std::size_t index = 0; index < count; ++index) {
    if (answers_seen_[index] || !director.revealed(index)) continue;
    answers_seen_[index] = true;
    if (presenting) pinned_answers_.push_back(index);
  }
  // The desktop's lesson panel lists every answer; there is nothing to hold on to.
  if (!presenting) pinned_answers_.clear();
  // A new question takes the caption; the answers before it have been seen.
  if (!director.open_predictions().empty()) pinned_answers_.clear();
}

void PresentationView::draw_header(const AppState& state) {
  // One line at a projector's width; what does not fit moves to a second line, and the title
  // gives up its end first (the window title has all of it).
  bool first = true;
  const auto next = [&first](const std::string& text, float gap_px = 30) {
    if (!first) same_line_if_room(ImGui::CalcTextSize(text.c_str()).x, gap_px);
    first = false;
  };
  if (state.director) {
    const std::string title = elided_to_width(state.director->lesson().title, ImGui::GetContentRegionAvail().x * 0.45f);
    next(title);
    ImGui::TextUnformatted(title.c_str());
  }
  if (state.session) {
    next("LIVE");
    ImGui::TextColored(kLive, "LIVE");
    const std::string where = "on " + state.session->host() + ":" + std::to_string(state.session->port());
    next(where, -1);
    ImGui::TextDisabled("%s", where.c_str());
  } else if (state.loaded) {
    next("RECORDED RUN");
    ImGui::TextColored(kRecorded, "RECORDED RUN");
    next(state.loaded->origin_short, -1);
    ImGui::TextDisabled("%s", state.loaded->origin_short.c_str());
  }
  if (state.director) {
    char clock[48];
    std::snprintf(clock, sizeof clock, "%.1f s  x%.2g", state.director->lesson_time_s(), state.director->speed());
    next(clock);
    ImGui::TextUnformatted(clock);
    if (state.director->paused()) {
      std::string paused = "PAUSED";
      if (const auto hit = state.director->breakpoint_hit()) {
        const scenarios::LessonBreakpoint& breakpoint = state.director->lesson().breakpoints[hit->breakpoint_index];
        paused = "PAUSED AT " + std::string(model::step_kind_name(breakpoint.on)) + " #" + std::to_string(breakpoint.occurrence);
      }
      next(paused, 20);
      ImGui::TextColored(kQuestion, "%s", paused.c_str());
    }
    if (reviewing_) {
      const std::string again = "SHOWING STEP " + std::to_string(*reviewing_ + 1) + " AGAIN";
      next(again, 20);
      ImGui::TextColored(kQuestion, "%s", again.c_str());
    }
  }
}

void PresentationView::draw_caption(AppState& state) {
  // W put a warning on show: it is the caption until W moves on or Right goes back.
  if (const auto shown = state.warnings.shown(); shown && *shown < state.warnings.list().size()) {
    const model::Warning& warning = state.warnings.list()[*shown];
    ImGui::PushTextWrapPos(0);
    const std::string heading = "Loopscope says: " + std::string(model::warning_title(warning.kind)) + " (" +
                                std::to_string(*shown + 1) + " of " + std::to_string(state.warnings.list().size()) + ")";
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.15f, 1.0f), "%s", heading.c_str());
    note_last_item(heading);
    ImGui::TextUnformatted(warning.message.c_str());
    ImGui::TextUnformatted(std::string(model::warning_why(warning.kind)).c_str());
    ImGui::TextUnformatted(("Instead: " + std::string(model::warning_fix(warning.kind))).c_str());
    ImGui::TextDisabled("W: next warning   Right: back to the lesson");
    ImGui::PopTextWrapPos();
    return;
  }
  if (!state.director) {
    ImGui::TextDisabled("Free play: connect with nc %s %u", state.session ? state.session->host().c_str() : "",
                        state.session ? static_cast<unsigned>(state.session->port()) : 0u);
    return;
  }
  scenarios::LessonPlayback& director = *state.director;
  const auto& lesson = director.lesson();
  const auto& fired = director.fired();
  ImGui::PushTextWrapPos(0);
  if (const auto hit = director.breakpoint_hit(); hit && !reviewing_) {
    const std::string& note = lesson.breakpoints[hit->breakpoint_index].note;
    if (!note.empty()) ImGui::TextColored(kQuestion, "%s", note.c_str());
  }
  // The question comes first: the class answers before the step that reveals it.
  const std::vector<std::size_t> open = director.open_predictions();
  if (!open.empty() && !reviewing_) {
    for (const std::size_t index : open) {
      const scenarios::Prediction& prediction = lesson.predictions[index];
      ImGui::TextColored(kQuestion, "Predict: %s", prediction.question.c_str());
      for (std::size_t choice = 0; choice < prediction.choices.size(); ++choice) {
        ImGui::Text("   %c)  %s", choice_letter(choice), prediction.choices[choice].c_str());
      }
    }
    ImGui::TextDisabled(director.holding_for_answers() ? "The lesson waits. P reveals the answer."
                                                       : "P reveals the answer now.");
  } else if (!fired.empty()) {
    const std::size_t shown = reviewing_ ? *reviewing_ : fired.size() - 1;
    const std::size_t step_index = fired[shown].index;
    // The answer first while it is held, then whatever the lesson says after it.
    const bool answers_pinned = !pinned_answers_.empty() && !reviewing_;
    if (answers_pinned) {
      // The answer alone, as large as the class needs it: the step's narration follows on Right.
      for (const std::size_t index : pinned_answers_) draw_answer(lesson.predictions[index], director.answer_of(index));
      ImGui::TextDisabled("Right: go on");
      ImGui::PopTextWrapPos();
      return;
    }
    ImGui::TextUnformatted(lesson.steps[step_index].narration.c_str());
    for (std::size_t index = 0; index < lesson.predictions.size(); ++index) {
      const scenarios::Prediction& prediction = lesson.predictions[index];
      if (prediction.reveal_step != step_index || !director.revealed(index)) continue;
      draw_answer(prediction, director.answer_of(index));
    }
  } else {
    ImGui::TextUnformatted(lesson.summary.c_str());
  }
  ImGui::PopTextWrapPos();
}

void PresentationView::draw_panels(AppState& state, PresentationPanels panels, float height_px) {
  const auto& names = state.director->lesson().panels;
  const float each_height = height_px / static_cast<float>(names.size());
  for (const std::string& name : names) {
    ImGui::BeginChild(name.c_str(), ImVec2(0, each_height - ImGui::GetStyle().ItemSpacing.y), true);
    if (name == "connections") panels.connections.draw(state);
    else if (name == "loop") panels.loop.draw(state);
    else if (name == "code") panels.code.draw(state);
    else if (name == "events") panels.events.draw(state);
    ImGui::EndChild();
  }
}

void PresentationView::draw(AppState& state, TimelineWidget& timeline, PresentationPanels panels) {
  if (reviewing_ && (!state.director || *reviewing_ >= state.director->fired().size())) reviewing_.reset();
  draw_header(state);
  const ImVec2 available = ImGui::GetContentRegionAvail();
  // The caption is as tall as what it says (measured last frame), so every choice and the
  // explanation are readable on a 1280x800 projector; the timeline keeps at least half.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float caption_chrome_px = ImGui::GetTextLineHeightWithSpacing() + 2 * style.WindowPadding.y + style.ItemSpacing.y;
  const float wanted_caption_px = caption_content_px_ + caption_chrome_px;
  const float caption_height =
      std::clamp(wanted_caption_px, std::max(available.y * 0.2f, ImGui::GetTextLineHeightWithSpacing() * 4),
                 available.y * 0.5f);
  // A scrollbar only when the caption is at its limit: one that came and went as the text
  // reflowed around it would change the height it measures every other frame.
  const bool caption_scrolls = wanted_caption_px > caption_height + 0.5f;
  const float body_height = available.y - caption_height - ImGui::GetStyle().ItemSpacing.y;
  const bool with_panels = state.director && !state.director->lesson().panels.empty();
  // Source code needs more width than gauges to be read from the back of a room.
  const auto& panel_names = with_panels ? state.director->lesson().panels : std::vector<std::string>{};
  const bool shows_code = std::find(panel_names.begin(), panel_names.end(), "code") != panel_names.end();
  const float timeline_width = with_panels ? available.x * (shows_code ? 0.6f : 0.7f) : available.x;
  ImGui::BeginChild("present_timeline", ImVec2(timeline_width, body_height), true,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
  timeline.draw(timeline_subject(state));
  ImGui::EndChild();
  if (with_panels) {
    ImGui::SameLine();
    ImGui::BeginChild("present_panels", ImVec2(0, body_height), false);
    draw_panels(state, panels, body_height);
    ImGui::EndChild();
  }
  ImGui::BeginChild("present_caption", ImVec2(0, 0), true);
  const float keys_height = ImGui::GetTextLineHeightWithSpacing();
  ImGui::BeginChild("caption_text", ImVec2(0, -keys_height), false, caption_scrolls ? 0 : ImGuiWindowFlags_NoScrollbar);
  require_whole_window_content();  // a question cut below the fold is one the class never reads
  draw_caption(state);
  caption_content_px_ = ImGui::GetCursorPosY() - style.ItemSpacing.y;
  ImGui::EndChild();
  // One line whatever the width: what does not fit ends in "..." (the Keys menu has it all).
  const std::string keys = elided_to_width(key_map_line(), ImGui::GetContentRegionAvail().x);
  ImGui::TextDisabled("%s", keys.c_str());
  ImGui::EndChild();
}

}  // namespace loopscope::viz
