#include "event_log_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "viz/layout/flow_layout.hpp"
#include "viz/panels/panel_widgets.hpp"

namespace loopscope::viz {

namespace {

// A cell's text cut to its column with "...": the row's tooltip has all of it.
bool cell_text(std::string_view value) {
  const std::string shown = elided_to_width(value, ImGui::GetContentRegionAvail().x);
  ImGui::TextUnformatted(shown.c_str());
  return shown.size() != value.size();
}

// The kinds a learner should not miss while scrolling: the loop stuck, recording lost, a stream failing.
bool is_alarming(trace::EventKind kind) {
  return kind == trace::EventKind::FreezeBegin || kind == trace::EventKind::FreezeEnd ||
         kind == trace::EventKind::EventsDropped || kind == trace::EventKind::StreamError;
}

constexpr const char* kFilterHelp =
    "Terms separated by commas; any of them may match. A leading '-' leaves out what matches.\n"
    "'task 7' (or 'conn 7') keeps the events about task 7 and its connection, 'client 3' those of client 3. "
    "Any other word matches part of the kind, the detail or the call site.\n"
    "Examples: 'drain'   'readline, -resumed'   'task 7, -buffer_level'   'echo.cpp'.";

// Subject, detail, value and site in one cell: the narrow table's "event" column.
std::string what_happened(const EventDescription& description) {
  std::string text;
  for (const std::string* part : {&description.subject, &description.detail, &description.value, &description.site}) {
    if (part->empty()) continue;
    if (!text.empty()) text += "  ";
    text += *part;
  }
  return text;
}

}  // namespace

EventLogQuery EventLogPanel::query_for(const AppState& state, const model::TraceModel& model) const {
  EventLogQuery query;
  query.text = filter_text_.data();
  if (only_selected_task_ && state.selected_task) {
    query.task = state.selected_task;
    if (const model::TaskRecord* task = model.task(*state.selected_task)) query.task_client = task->client;
  }
  return query;
}

void EventLogPanel::draw(AppState& state) {
  const trace::TraceLog* log = state.log();
  const model::TraceModel* model = state.model();
  if (log == nullptr || model == nullptr) {
    no_session_hint("every event the server records");
    return;
  }
  // A live log holds what has happened so far; a loaded one the whole file, of which a replay
  // shows what had happened by its replay time.
  const std::size_t shown_events = state.session ? log->events.size() : events_up_to(*log, state.now_ns());
  draw_controls(state);
  index_.set_query(query_for(state, *model));
  index_.update_up_to(*log, shown_events);
  draw_status(state, shown_events);
  draw_table(state, *log);
}

void EventLogPanel::draw_controls(const AppState& state) {
  // Room for the (?) after it, so a narrow panel keeps the help on the line.
  const float help_px = ImGui::CalcTextSize("(?)").x + 2 * ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 18.0f, ImGui::GetContentRegionAvail().x - help_px));
  ImGui::InputTextWithHint("##event_filter", "filter: drain, task 7, -resumed", filter_text_.data(), filter_text_.size());
  help_marker(kFilterHelp);
  same_line_if_room(checkbox_width_px("only the selected task"));
  ImGui::BeginDisabled(!state.selected_task);
  ImGui::Checkbox("only the selected task", &only_selected_task_);
  ImGui::EndDisabled();
  if (!state.selected_task && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("Click a connection or a timeline lane to select a task first.");
  }
  same_line_if_room(checkbox_width_px("follow"));
  ImGui::Checkbox("follow", &follow_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keep the newest events in view. Scrolling up stops following.");
}

void EventLogPanel::draw_status(const AppState& state, std::size_t shown_events) const {
  ImGui::Text("%zu of %zu events", index_.matches().size(), shown_events);
  // Each remark beside the count while it fits, else on a line of its own.
  const auto remark = [](const std::string& text) {
    same_line_if_room(ImGui::CalcTextSize(text.c_str()).x);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("%s", text.c_str());
    ImGui::PopTextWrapPos();
  };
  if (!state.session && state.log() != nullptr && shown_events < state.log()->events.size()) {
    remark("up to the replay time (the trace holds " + std::to_string(state.log()->events.size()) + ")");
  }
  if (!index_.caught_up(shown_events)) {
    const double share = shown_events == 0 ? 1.0 : static_cast<double>(index_.scanned_events()) /
                                                      static_cast<double>(shown_events);
    char text[64];
    std::snprintf(text, sizeof text, "(filtering: %.0f%% looked at)", share * 100.0);
    remark(text);
  }
  if (only_selected_task_ && state.selected_task) remark("about task " + std::to_string(*state.selected_task));
}

void EventLogPanel::draw_table(AppState& state, const trace::TraceLog& log) {
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_Resizable | ImGuiTableFlags_Hideable | ImGuiTableFlags_Reorderable;
  const ImVec2 size(0.0f, ImGui::GetContentRegionAvail().y);
  // Widths from sample text, not from the rows on screen: the clipper shows different rows
  // each frame and auto-fitted columns would jump as the list scrolls.
  const auto width_of = [](const char* sample) { return ImGui::CalcTextSize(sample).x; };
  const float fixed_px = width_of("000000.000") + width_of("connection_accepted") + width_of("client 0000") +
                         width_of("000 KiB (000000 B)");
  // A narrow panel (a projector's side column) keeps time, kind and the event in words, each
  // cut to its column; the row's tooltip has all of it. Another table id, so each layout
  // keeps its own widths.
  const bool narrow = ImGui::GetContentRegionAvail().x < 1.6f * fixed_px;
  const ImGuiTableColumnFlags wide_only = narrow ? ImGuiTableColumnFlags_Disabled : ImGuiTableColumnFlags_None;
  if (!ImGui::BeginTable(narrow ? "event_log_narrow" : "event_log", 6, kFlags, size)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("time (ms)", ImGuiTableColumnFlags_WidthFixed, width_of("000000.000"));
  ImGui::TableSetupColumn("kind", ImGuiTableColumnFlags_WidthFixed, width_of(narrow ? "task_resumed" : "connection_accepted"));
  ImGui::TableSetupColumn("subject", ImGuiTableColumnFlags_WidthFixed | wide_only, width_of("client 0000"));
  // Detail and site share what is left, detail getting more: both vary in length.
  ImGui::TableSetupColumn(narrow ? "event" : "detail", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthFixed | wide_only, width_of("000 KiB (000000 B)"));
  ImGui::TableSetupColumn("site", ImGuiTableColumnFlags_WidthStretch | wide_only, 2.0f);
  ImGui::TableHeadersRow();

  // Without the filter narrowing to it, rows about the selected task are lit, so one task's
  // story can be followed through everyone else's.
  const bool light_selected_task = state.selected_task && !only_selected_task_;
  const std::vector<std::uint32_t>& rows = index_.matches();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const std::uint32_t event_index = rows[static_cast<std::size_t>(row)];
      const trace::TraceEvent& event = log.events[event_index];
      const EventDescription description = describe_event(event, log);
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushID(static_cast<int>(event_index));
      const bool lit = light_selected_task && event_is_about_task(event, *state.selected_task);
      if (ImGui::Selectable(description.time_ms.c_str(), lit,
                            ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
        const EventSubject subject = event_subject(event);
        if (subject == EventSubject::Task || subject == EventSubject::Connection) state.selected_task = event.subject_id;
      }
      const bool row_hovered = ImGui::IsItemHovered();  // the selectable spans the row
      ImGui::PopID();
      bool cut = false;
      ImGui::TableSetColumnIndex(1);
      if (is_alarming(event.kind)) ImGui::PushStyleColor(ImGuiCol_Text, to_imvec4(panel_colors::kAlarm));
      cut |= cell_text(description.kind);
      if (is_alarming(event.kind)) ImGui::PopStyleColor();
      if (!narrow) {
        ImGui::TableSetColumnIndex(2);
        cut |= cell_text(description.subject);
      }
      ImGui::TableSetColumnIndex(3);
      // Narrow, the subject, value and site columns are gone: the event in words holds them.
      cut |= cell_text(narrow ? what_happened(description) : description.detail);
      if (!narrow) {
        ImGui::TableSetColumnIndex(4);
        cut |= cell_text(description.value);
        ImGui::TableSetColumnIndex(5);
        cut |= cell_text(description.site);
      }
      if (cut && row_hovered) ImGui::SetTooltip("%s", event_line(event, log).c_str());
    }
  }

  // The table's scrolling region is the current window here.
  if (follow_ && ImGui::IsWindowHovered() && ImGui::GetIO().MouseWheel > 0.0f) follow_ = false;
  if (follow_) ImGui::SetScrollHereY(1.0f);
  ImGui::EndTable();
}

}  // namespace loopscope::viz
