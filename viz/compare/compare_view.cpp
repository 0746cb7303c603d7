#include "compare_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "viz/timeline/timeline_report.hpp"
#include "viz/theme/state_colors.hpp"
#include "viz/timeline/timeline_builder.hpp"

namespace loopscope::viz {

namespace {

constexpr float kMinHalfHeightPx = 90;
constexpr float kRulerAllowancePx = 24;  // the time ruler above each half's lanes
const ImVec4 kStandoutColor(1.0f, 0.7f, 0.25f, 1.0f);
const ImVec4 kEndedColor(1.0f, 0.85f, 0.3f, 1.0f);
const ImVec4 kShownHalfColor(0.26f, 0.45f, 0.75f, 1.0f);
const ImVec4 kOtherHalfColor(0.3f, 0.32f, 0.36f, 1.0f);

// Two runs share the height one timeline has alone, so their lanes are a little lower than
// the app's, but never lower than a line of text: a label cut in half cannot be read.
LaneOptions compared_lane_options(const LaneOptions& app, float text_line_px) {
  LaneOptions compact = app;
  auto lower = [text_line_px](float px, float floor_px) { return std::max(floor_px, std::round(px * 0.88f)); };
  compact.loop_height_px = lower(app.loop_height_px, text_line_px + 2);
  compact.header_height_px = lower(app.header_height_px, text_line_px + 2);
  compact.task_height_px = lower(app.task_height_px, text_line_px + 2);
  compact.buffers_height_px = lower(app.buffers_height_px, 2 * text_line_px);
  return compact;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "no handler ran" : text;
}

}  // namespace

CompareView::CompareView(const SiteLabeler& labeler) : timelines_{TimelineWidget(labeler), TimelineWidget(labeler)} {}

void CompareView::apply(AppState& state, KeyCommand command) {
  if (state.comparison) bar_.apply(*state.comparison, command);
}

void CompareView::draw_toolbar(AppState& state) {
  if (ImGui::Button("Fit all")) state.navigation.fit_all(state.comparison->end_ns());
  ImGui::SameLine();
  ImGui::Checkbox("Legend", &show_legend_);
  ImGui::SameLine();
  // Two timelines need every row they can get, so the help is a marker and the legend shares
  // this row.
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Showing %s of both runs; t = 0 is each run's own start.\n"
                      "Wheel: zoom both  |  drag: pan both  |  Shift+wheel: scroll a half's lanes\n"
                      "Click a lane: select its task; the panels below show that run.",
                      format_duration_ns(state.navigation.viewport().duration_ns()).c_str());
  }
  if (show_legend_) TimelineWidget::draw_legend(true);
}

void CompareView::draw_header(RunComparison& comparison, std::size_t index) {
  ComparedHalf& half = comparison.halves[index];
  // The half's letter is also the switch for the panels below: they show one run at a time.
  const bool in_panels = comparison.half_in_panels == index;
  ImGui::PushStyleColor(ImGuiCol_Button, in_panels ? kShownHalfColor : kOtherHalfColor);
  if (ImGui::SmallButton(half.label.c_str())) comparison.half_in_panels = index;
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(in_panels ? "The panels below show this run" : "Show this run in the panels below");
  }
  ImGui::SameLine();
  ImGui::TextUnformatted(half.name.c_str());
  if (ImGui::IsItemHovered() && half.origin != half.name) ImGui::SetTooltip("%s", half.origin.c_str());
  ImGui::SameLine();
  const model::ReplayCursor& cursor = *half.view.loaded->cursor;
  ImGui::TextDisabled("%s  |  %zu task%s  |  %s long", joined(half.summary.handlers).c_str(), half.summary.tasks,
                      half.summary.tasks == 1 ? "" : "s", format_duration_ns(cursor.end_ns()).c_str());
  // Paused at the very end both runs are simply shown whole; only before that is one "over".
  if (comparison.replay->run_ended(index) && !comparison.replay->at_end()) {
    ImGui::SameLine();
    ImGui::TextColored(kEndedColor, "ended at %s", format_duration_ns(cursor.end_ns()).c_str());
  }
}

void CompareView::draw_summary(const RunComparison& comparison, std::size_t index) {
  const ComparedHalf& half = comparison.halves[index];
  const ComparedHalf& other = comparison.halves[1 - index];
  bool first = true;
  for (const SummaryFigure& figure : summary_figures(half.summary, other.summary)) {
    if (!first) ImGui::SameLine(0, 22);
    first = false;
    ImGui::TextDisabled("%s", figure.label.c_str());
    ImGui::SameLine(0, 5);
    if (figure.stands_out) {
      ImGui::TextColored(kStandoutColor, "%s", figure.value.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("At least twice run %s's", other.label.c_str());
    } else {
      ImGui::TextUnformatted(figure.value.c_str());
    }
  }
}

void CompareView::draw_replay_time_line(const RunComparison& comparison, std::size_t index) {
  // At the end, paused, there is no "now" to point at: both runs are shown whole.
  if (comparison.replay->at_end() && !comparison.playing) return;
  const TimelineGeometry& geometry = timelines_[index].geometry();
  const float x = geometry.viewport.x_of(comparison.replay->time_ns());
  if (x < geometry.canvas_x || x > geometry.canvas_x + geometry.canvas_width) return;
  ImGui::GetWindowDrawList()->AddLine(ImVec2(x, geometry.canvas_y), ImVec2(x, geometry.canvas_y + geometry.canvas_height),
                                      pack_rgba(235, 235, 235, 170));
}

void CompareView::draw_half(AppState& state, std::size_t index, float height_px) {
  RunComparison& comparison = *state.comparison;
  ComparedHalf& half = comparison.halves[index];
  // Lane sizes follow the app's (presentation mode makes them taller); folded groups are the half's own.
  auto collapsed = std::move(half.view.lane_options.collapsed_groups);
  half.view.lane_options = compared_lane_options(state.lane_options, ImGui::GetTextLineHeight());
  half.view.lane_options.collapsed_groups = std::move(collapsed);

  ImGui::PushID(static_cast<int>(index));
  ImGui::BeginChild("compare_half", ImVec2(0, height_px), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
  draw_header(comparison, index);
  draw_summary(comparison, index);
  const auto selected_before = half.view.selected_task;
  timelines_[index].draw_canvas(timeline_subject(half.view), state.navigation);
  // Clicking a task in a half is looking at that run: the panels follow.
  if (half.view.selected_task != selected_before) comparison.half_in_panels = index;
  draw_replay_time_line(comparison, index);
  ImGui::EndChild();
  ImGui::PopID();
}

void CompareView::draw(AppState& state) {
  if (!state.comparison) return;
  RunComparison& comparison = *state.comparison;
  bar_.advance(comparison);
  comparison.refresh_summaries();
  bar_.draw(comparison);
  draw_toolbar(state);
  const float gap_px = ImGui::GetStyle().ItemSpacing.y;
  const float available_px = ImGui::GetContentRegionAvail().y - gap_px;
  // A run with more lanes gets more of the height, so neither hides lanes the other does not
  // need the room for. Last frame's lanes are a frame late when lanes appear, which is unseen.
  const float header_px = 2 * ImGui::GetTextLineHeightWithSpacing() + kRulerAllowancePx;
  const std::array<float, 2> wanted_px = {header_px + lanes_height_px(timelines_[0].geometry().lanes),
                                          header_px + lanes_height_px(timelines_[1].geometry().lanes)};
  const float share_of_first = wanted_px[0] / (wanted_px[0] + wanted_px[1]);
  const float first_px = std::clamp(available_px * share_of_first, kMinHalfHeightPx, available_px - kMinHalfHeightPx);
  draw_half(state, 0, first_px);
  draw_half(state, 1, std::max(kMinHalfHeightPx, available_px - first_px));
}

nlohmann::json CompareView::report(const AppState& state) const {
  if (!state.comparison) return nullptr;
  const RunComparison& comparison = *state.comparison;
  nlohmann::json halves = nlohmann::json::array();
  for (std::size_t index = 0; index < comparison.halves.size(); ++index) {
    const ComparedHalf& half = comparison.halves[index];
    const model::ReplayCursor& cursor = *half.view.loaded->cursor;
    const RunSummary& summary = half.summary;
    halves.push_back(
        {{"label", half.label},
         {"name", half.name},
         {"origin", half.origin},
         {"time_ns", cursor.time_ns()},
         {"end_ns", cursor.end_ns()},
         {"ended", comparison.replay->run_ended(index)},
         {"summary",
          {{"peak_writer_buffer_bytes", summary.peak_writer_buffer_bytes},
           {"drain_stalls", summary.drain_stalls},
           {"longest_freeze_ns", summary.longest_freeze_ns},
           {"p95_reply_latency_ns",
            summary.p95_reply_latency_ns ? nlohmann::json(*summary.p95_reply_latency_ns) : nlohmann::json(nullptr)},
           {"replies", summary.replies},
           {"tasks", summary.tasks}}},
         {"timeline", timeline_geometry_json(timelines_[index].geometry())}});
  }
  return {{"replay_time_ns", comparison.replay->time_ns()},
          {"end_ns", comparison.end_ns()},
          {"half_in_panels", comparison.halves[comparison.half_in_panels].label},
          {"halves", halves}};
}

}  // namespace loopscope::viz
