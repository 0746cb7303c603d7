#include "lesson_picker_panel.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "core/handlers/handler_catalog.hpp"
#include "scenarios/asyncio/asyncio_files.hpp"
#include "scenarios/lessons/builtin_lessons.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "viz/layout/fitted_text.hpp"
#include "viz/layout/flow_layout.hpp"
#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_widgets.hpp"

namespace loopscope::viz {

LessonPickerPanel::LessonPickerPanel() {
  for (const scenarios::BuiltinLesson& builtin : scenarios::builtin_lessons()) {
    Entry entry;
    entry.name = builtin.name;
    try {
      const scenarios::Lesson lesson = scenarios::parse_lesson(builtin.json_text, entry.name);
      entry.title = lesson.title;
      entry.summary = lesson.summary;
    } catch (const std::exception& error) {
      entry.error = error.what();
    }
    entries_.push_back(std::move(entry));
  }
}

void LessonPickerPanel::start(AppState& state, SessionLauncher& launcher, const Entry& entry, bool recorded) {
  try {
    const scenarios::Lesson lesson = find_builtin_lesson(entry.name);
    const bool started = recorded ? launcher.start_recorded_lesson(state, lesson) : launcher.start_lesson(state, lesson);
    error_ = started ? "" : state.status_message;
  } catch (const std::exception& error) {
    error_ = error.what();
  }
}

bool LessonPickerPanel::draw(AppState& state, SessionLauncher& launcher, bool offer_back) {
  bool back = false;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Lessons");
  if (offer_back) {
    const char* back_label = "Back to the lesson";
    ImGui::SameLine(ImGui::GetContentRegionMax().x - button_width_px(back_label));
    back = ImGui::SmallButton(back_label);
  }
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("In teaching order: start with 1. Each runs real clients against the server, then proves its claim.");
  ImGui::PopTextWrapPos();
  // Which server a live lesson runs against: the same clients, steps and checks either way.
  scenarios::ServerBackend& backend = launcher.settings().lesson_backend;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Server:");
  ImGui::SameLine();
  if (ImGui::RadioButton("C++ (Loopscope)", backend == scenarios::ServerBackend::Loopscope)) {
    backend = scenarios::ServerBackend::Loopscope;
  }
  ImGui::SameLine();
  if (ImGui::RadioButton("CPython asyncio", backend == scenarios::ServerBackend::AsyncioTwins)) {
    backend = scenarios::ServerBackend::AsyncioTwins;
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Run live lessons against the handlers' asyncio twins (assets/asyncio), traced by the probe");
  }
  ImGui::Separator();
  for (std::size_t index = 0; index < entries_.size(); ++index) {
    const Entry& entry = entries_[index];
    ImGui::PushID(entry.name.c_str());
    if (!entry.error.empty()) {
      ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s: broken (%s)", entry.name.c_str(), entry.error.c_str());
      ImGui::PopID();
      continue;
    }
    const char* recorded_label = "recorded";
    const float recorded_width_px = ImGui::CalcTextSize(recorded_label).x + ImGui::GetStyle().FramePadding.x * 2 +
                                    ImGui::GetStyle().ItemSpacing.x;
    // Numbered, so the order is the one to take them in; cut to the row with "...", the
    // tooltip has the whole title and what the lesson shows.
    const float row_px = ImGui::GetContentRegionAvail().x - recorded_width_px;
    const std::string label = elided_to_width(std::to_string(index + 1) + ". " + entry.title, row_px);
    if (ImGui::Selectable(label.c_str(), false, 0, ImVec2(row_px, 0))) {
      start(state, launcher, entry, false);
    }
    note_last_item(label);
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(420);
      ImGui::TextUnformatted(entry.title.c_str());
      ImGui::TextDisabled("%s", entry.name.c_str());
      ImGui::TextUnformatted(entry.summary.c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(recorded_label)) start(state, launcher, entry, true);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Play this lesson over the run recorded with Loopscope: no live sockets");
    }
    ImGui::PopID();
  }

  ImGui::Separator();
  ImGui::TextUnformatted("A lesson file of your own");
  ImGui::SetNextItemWidth(-70);
  ImGui::InputTextWithHint("##lesson_path", "path/to/lesson.json", &lesson_path_);
  ImGui::SameLine();
  if (ImGui::Button("Open") && !lesson_path_.empty()) {
    try {
      launcher.start_lesson(state, scenarios::load_lesson_file(lesson_path_));
      error_.clear();
    } catch (const std::exception& error) {
      error_ = error.what();  // names the file, the JSON path and what was expected
    }
  }

  ImGui::Separator();
  ImGui::TextUnformatted("Your own asyncio server");
  help_marker("Any Python 3.11+ program that serves with asyncio.start_server, run unchanged under Loopscope's "
              "probe: its tasks, buffers, drain stalls and freezes, at your own lines. Connect with nc to the port "
              "it listens on. From a terminal: loopscope asyncio server.py [args...]");
  if (asyncio_program_.empty()) {
    try {
      asyncio_program_ = scenarios::find_asyncio_files().example;
    } catch (const std::exception&) {
      asyncio_program_ = "server.py";
    }
  }
  ImGui::SetNextItemWidth(-70);
  ImGui::InputTextWithHint("##asyncio_program", "path/to/server.py", &asyncio_program_);
  ImGui::SameLine();
  if (ImGui::Button("Trace") && !asyncio_program_.empty()) {
    if (launcher.start_asyncio_program(state, asyncio_program_, {})) error_.clear();
    else error_ = state.status_message;
  }

  ImGui::Separator();
  ImGui::TextUnformatted("A saved trace, replayed");
  ImGui::SetNextItemWidth(-70);
  ImGui::InputTextWithHint("##trace_path", "path/to/run.trace", &trace_path_);
  ImGui::SameLine();
  if (ImGui::Button("Replay") && !trace_path_.empty()) {
    // A refused file says why (bad magic, checksum, version...) in the status bar.
    if (launcher.open_trace(state, trace_path_)) error_.clear();
    else error_ = state.status_message;
  }

  ImGui::Separator();
  if (auto outcome = compare_form_.draw(state, launcher)) error_ = std::move(*outcome);

  ImGui::Separator();
  ImGui::TextUnformatted("Free play");
  ImGui::SetNextItemWidth(-110);
  if (ImGui::BeginCombo("##free_play_handler", free_play_handler_.c_str())) {
    for (const auto& description : handlers::handler_descriptions()) {
      if (ImGui::Selectable(description.name.c_str(), description.name == free_play_handler_)) {
        free_play_handler_ = description.name;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", description.summary.c_str());
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Start free play")) launcher.start_free_play(state, free_play_handler_);
  if (!error_.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error_.c_str());
    ImGui::PopTextWrapPos();
  }
  return back;
}

}  // namespace loopscope::viz
