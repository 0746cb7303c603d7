#include "durations_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>

#include "viz/panels/panel_widgets.hpp"

namespace loopscope::viz {

void DurationsPanel::refresh(const AppState& state) {
  const model::TraceModel& model = *state.model();
  const bool new_trace = state.generation != generation_;
  if (new_trace) group_.clear();
  const bool changed = new_trace || group_ != group_seen_ || model.end_ns() != end_ns_seen_;
  const auto now = std::chrono::steady_clock::now();
  if (!changed || (!new_trace && group_ == group_seen_ && now - refreshed_at_ < std::chrono::milliseconds(250))) return;
  refreshed_at_ = now;
  generation_ = state.generation;
  group_seen_ = group_;
  end_ns_seen_ = model.end_ns();
  histograms_ = model::histograms_of(model, group_);
  groups_ = model::client_groups(model);
}

void DurationsPanel::draw_histogram(const char* name, const char* what, const model::DurationHistogram& histogram) {
  ImGui::TextUnformatted(name);
  ImGui::SameLine();
  help_marker(what);
  ImGui::SameLine();
  if (histogram.count() == 0) {
    ImGui::TextDisabled("none");
    return;
  }
  ImGui::TextUnformatted(model::format_histogram_line(histogram).c_str());
  // The buckets from the shortest to the longest duration seen, on a log axis.
  const int first = model::DurationHistogram::bucket_of(histogram.min_ns());
  const int last = model::DurationHistogram::bucket_of(histogram.max_ns());
  std::vector<float> counts;
  for (int bucket = first; bucket <= last; ++bucket) counts.push_back(static_cast<float>(histogram.bucket_count(bucket)));
  const std::string axis = model::format_duration(histogram.min_ns()) + " .. " + model::format_duration(histogram.max_ns()) +
                           " (log scale)";
  ImGui::PlotHistogram((std::string("##") + name).c_str(), counts.data(), static_cast<int>(counts.size()), 0,
                       axis.c_str(), 0.0f, FLT_MAX,
                       // 1.86's plots take no negative "fill the rest" width: measured, as in loop health.
                       ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight() * 3));
}

void DurationsPanel::draw(AppState& state) {
  if (state.model() == nullptr) {
    no_session_hint("how long callbacks, stalls, reads and round trips take");
    return;
  }
  refresh(state);
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("all tasks and clients").x + ImGui::GetFrameHeight() * 2);
  if (ImGui::BeginCombo("group", group_.empty() ? "all tasks and clients" : group_.c_str())) {
    if (ImGui::Selectable("all tasks and clients", group_.empty())) group_.clear();
    for (const std::string& name : groups_) {
      if (ImGui::Selectable(name.c_str(), name == group_)) group_ = name;
    }
    ImGui::EndCombo();
  }
  help_marker("A client group narrows drain stalls, read waits and round trips to its clients and the tasks "
              "serving them. Callbacks are the loop's, whoever they ran for.");
  draw_histogram("callbacks   ", "How long each callback held the loop: the loop's busy time, one per handler run.",
                 histograms_.callbacks);
  draw_histogram("drain stalls", "Each drain() that had to wait for the client, from the stall's begin to its end.",
                 histograms_.drain_stalls);
  draw_histogram("read waits  ", "Each wait in readline() / read() / readexactly(): how long tasks waited for their clients.",
                 histograms_.read_waits);
  draw_histogram("round trips ", "Each scripted client's request to its whole reply (a learner's nc has none).",
                 histograms_.round_trips);
}

}  // namespace loopscope::viz
