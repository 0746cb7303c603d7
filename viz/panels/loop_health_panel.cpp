#include "loop_health_panel.hpp"

#include "viz/code/function_name.hpp"
#include "viz/layout/layout_audit.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/model/model_queries.hpp"
#include "viz/panels/event_log_filter.hpp"
#include "viz/panels/panel_widgets.hpp"
#include "viz/timeline/timeline_builder.hpp"

namespace loopscope::viz {

namespace {

constexpr std::uint64_t kLagWindowNs = 10'000'000'000;       // the plot shows the last 10 s
constexpr std::uint64_t kUtilisationWindowNs = 1'000'000'000;  // "busy in the last second"
constexpr std::size_t kMaxPlotPoints = 400;                   // more than a panel is wide in pixels
constexpr double kRateWindow_s = 1.0;
constexpr double kRateSampleInterval_s = 0.5;
constexpr std::size_t kRateHistoryPoints = 60;  // 30 s of events per second
// The same on a replay, in the trace's own time.
constexpr auto kRateWindowNs = static_cast<std::uint64_t>(kRateWindow_s * 1e9);
constexpr auto kRateSampleIntervalNs = static_cast<std::uint64_t>(kRateSampleInterval_s * 1e9);
constexpr std::uint64_t kShortestRateWindowNs = 100'000'000;  // as the live rate's 0.1 s: less says little

constexpr const char* kLagHelp =
    "How late the loop's heartbeat timer fired (it is due every 10 ms). A timer can only fire when the loop "
    "gets back to it, so lag is how long every ready callback waited its turn. A few microseconds is healthy; "
    "a spike is a handler that kept the loop to itself.";
constexpr const char* kBusyHelp =
    "Share of the last second the loop spent running handlers. The rest it was idle, waiting for the "
    "operating system to report a socket or a timer ready. Near 100% the loop has no slack: every new "
    "callback waits.";
constexpr const char* kRateHelp =
    "Trace events recorded per second (task state changes, buffer levels, handler runs...). Each costs the "
    "server a timestamp and a few stores into a ring, no lock and no allocation.";
constexpr const char* kDroppedHelp =
    "Each thread records into its own fixed-size ring, so recording never makes the server wait. When the "
    "app falls behind and a ring is full, new events are dropped and counted instead of blocking the loop: "
    "a full ring drops, it never blocks. Where events were dropped, the timeline has gaps.";
constexpr const char* kFreezesHelp =
    "A freeze is one handler keeping the loop longer than the watchdog's threshold (50 ms by default): "
    "blocking sleep, heavy CPU work, a blocking socket call. Nothing else runs meanwhile, for any client.";
constexpr const char* kCommandsHelp =
    "Changes from the app (handler, high water, an injected blocking call) are posted to the loop and run "
    "there, between handlers, like any other callback. While the loop is frozen they wait in its queue.";

// A label cell with its (?) marker, then the value cell.
void label_cell(const char* label, const char* help) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextUnformatted(label);
  help_marker(help);
  if (ImGui::TableGetColumnCount() == 1) {  // stacked: the value on the row below, the whole width
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    return;
  }
  ImGui::TableSetColumnIndex(1);
}

}  // namespace

void LoopHealthPanel::draw(AppState& state) {
  const model::TraceModel* shown_model = state.model();
  const trace::TraceLog* shown_log = state.log();
  if (shown_model == nullptr || shown_log == nullptr) {
    no_session_hint("how the loop is keeping up");
    return;
  }
  const model::TraceModel& model = *shown_model;
  const trace::TraceLog& log = *shown_log;
  const std::uint64_t now_ns = state.now_ns();
  const bool live = state.session != nullptr;
  if (live) {
    track_event_rate(*state.session);
  } else {
    read_event_rate(log, now_ns);
  }
  const model::FreezeNow freeze = freeze_now(state, model, log, now_ns);

  if (freeze.frozen) draw_freeze_banner(freeze);

  // Beside their labels when there is room; under them in a narrow panel (a projector's side
  // column), where a label column would leave the gauges a sliver.
  const float label_px = ImGui::CalcTextSize("commands queued (?)").x;
  const bool stacked = ImGui::GetContentRegionAvail().x < 2.5f * label_px;
  if (!ImGui::BeginTable(stacked ? "loop_health_stacked" : "loop_health", stacked ? 1 : 2, ImGuiTableFlags_SizingStretchProp)) {
    return;
  }
  if (!stacked) ImGui::TableSetupColumn("sign", ImGuiTableColumnFlags_WidthFixed, label_px);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
  draw_lag(model, freeze, now_ns);
  draw_utilisation(model, freeze, now_ns, live);
  draw_event_rate();
  draw_dropped(model, log, live);
  draw_freezes(model, freeze);
  if (live) draw_pending_commands(*state.session);
  ImGui::EndTable();
}

model::FreezeNow LoopHealthPanel::freeze_now(const AppState& state, const model::TraceModel& model,
                                             const trace::TraceLog& log, std::uint64_t now_ns) {
  model::FreezeNow now = state.session ? state.session->freeze() : model::open_freeze_at(model, log, now_ns);
  if (now.frozen && !now.function.empty()) now.function = readable_function_name(now.function);
  return now;
}

void LoopHealthPanel::track_event_rate(const scenarios::LiveSession& session) {
  const double now_s = session.elapsed_s();
  // Another session's history is not this one's (and its clock starts again at zero, which
  // also tells a new session that took the old one's address).
  if (&session != rate_session_ || (!count_samples_.empty() && now_s < count_samples_.back().wall_s)) {
    rate_session_ = &session;
    count_samples_.clear();
    rate_history_.clear();
    events_per_s_ = 0;
    next_rate_sample_s_ = 0;
    log_size_seen_ = 0;
    events_total_ = 0;
  }
  // A drain only adds events (late ones are merged in, not replacing any), so growth in size
  // is the count of new events; a smaller log was taken (take_log()) and holds only new ones.
  const std::size_t log_size = session.log().events.size();
  events_total_ += log_size >= log_size_seen_ ? log_size - log_size_seen_ : log_size;
  log_size_seen_ = log_size;

  count_samples_.push_back(CountSample{now_s, events_total_});
  // Keep one sample at least a window old, so the rate always spans a full second.
  while (count_samples_.size() > 2 && count_samples_[1].wall_s <= now_s - kRateWindow_s) count_samples_.pop_front();
  const CountSample& oldest = count_samples_.front();
  const double span_s = now_s - oldest.wall_s;
  if (span_s > 0.1) events_per_s_ = static_cast<double>(events_total_ - oldest.events_total) / span_s;

  if (now_s >= next_rate_sample_s_) {
    if (rate_history_.size() == kRateHistoryPoints) rate_history_.erase(rate_history_.begin());
    rate_history_.push_back(static_cast<float>(events_per_s_));
    next_rate_sample_s_ = now_s + kRateSampleInterval_s;
  }
}

void LoopHealthPanel::read_event_rate(const trace::TraceLog& log, std::uint64_t now_ns) {
  // No wall-clock samples carry over to a session started after this replay.
  rate_session_ = nullptr;
  count_samples_.clear();
  // Events in the window (at most a second) before `time_ns`, per second; negative: the trace
  // has not run long enough there to say.
  const auto rate_at = [&log](std::uint64_t time_ns) {
    const std::uint64_t window_ns = std::min(kRateWindowNs, time_ns);
    if (window_ns < kShortestRateWindowNs) return -1.0;
    const std::size_t count = events_up_to(log, time_ns) - events_up_to(log, time_ns - window_ns);
    return static_cast<double>(count) / (static_cast<double>(window_ns) / 1e9);
  };
  events_per_s_ = std::max(rate_at(now_ns), 0.0);
  // The history, as the live panel would have sampled it up to the replay time: recomputed
  // each frame, so it follows scrubbing both ways (a few dozen binary searches).
  rate_history_.clear();
  for (std::size_t point = kRateHistoryPoints; point-- > 0;) {
    const std::uint64_t back_ns = static_cast<std::uint64_t>(point) * kRateSampleIntervalNs;
    if (back_ns > now_ns) continue;
    const double rate = rate_at(now_ns - back_ns);
    if (rate >= 0.0) rate_history_.push_back(static_cast<float>(rate));
  }
}

void LoopHealthPanel::draw_freeze_banner(const model::FreezeNow& freeze) const {
  char headline[256];
  const std::string& site = freeze.site;
  const auto frozen_ms = static_cast<unsigned long long>(freeze.frozen_for_ns / 1'000'000);
  if (freeze.task != 0) {
    std::snprintf(headline, sizeof headline, "loop frozen for %llu ms in %s (task %u)", frozen_ms, site.c_str(),
                  static_cast<unsigned>(freeze.task));
  } else {
    std::snprintf(headline, sizeof headline, "loop frozen for %llu ms in %s (no task)", frozen_ms, site.c_str());
  }

  // Drawn larger than the panel's text through the draw list, so no window font scale is
  // changed behind the app's back (presentation mode scales fonts itself).
  ImFont* font = ImGui::GetFont();
  const float size_px = ImGui::GetFontSize() * 1.6f;
  const float padding_px = ImGui::GetStyle().FramePadding.x;
  const float width_px = std::max(ImGui::GetContentRegionAvail().x, 1.0f);
  const float wrap_px = std::max(width_px - 2 * padding_px, 1.0f);
  const ImVec2 text_size = font->CalcTextSizeA(size_px, FLT_MAX, wrap_px, headline);
  const ImVec2 top_left = ImGui::GetCursorScreenPos();
  const float height_px = text_size.y + 2 * padding_px;
  ImDrawList* draw_list = ImGui::GetWindowDrawList();
  draw_list->AddRectFilled(top_left, ImVec2(top_left.x + width_px, top_left.y + height_px), colors::kFreezeBand, 4.0f);
  draw_list->AddRect(top_left, ImVec2(top_left.x + width_px, top_left.y + height_px), colors::kFreezeEdge, 4.0f);
  draw_list->AddText(font, size_px, ImVec2(top_left.x + padding_px, top_left.y + padding_px), panel_colors::kAlarm,
                     headline, nullptr, wrap_px);
  const ImVec2 text_at(top_left.x + padding_px, top_left.y + padding_px);
  note_drawn_text(headline, ScreenRect{text_at.x, text_at.y, text_at.x + text_size.x, text_at.y + text_size.y},
                  ScreenRect{top_left.x, top_left.y, top_left.x + width_px, top_left.y + height_px});
  ImGui::Dummy(ImVec2(width_px, height_px));

  if (!freeze.function.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    // As a person writes it: "blocking_sleep() at blocking_sleep.cpp:12".
    ImGui::TextDisabled("in %s at %s", freeze.function.c_str(), freeze.site.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::TextWrapped("Every other connection waits until this handler gives the loop back.");
}

void LoopHealthPanel::draw_lag(const model::TraceModel& model, const model::FreezeNow& freeze, std::uint64_t now_ns) {
  label_cell("loop lag", kLagHelp);
  const std::vector<model::CounterSample>& lag = model.loop().lag;
  const std::uint64_t since_ns = now_ns > kLagWindowNs ? now_ns - kLagWindowNs : 0;
  const auto first = std::lower_bound(lag.begin(), lag.end(), since_ns, [](const model::CounterSample& sample,
                                                                            std::uint64_t time_ns) {
    return sample.time_ns < time_ns;
  });
  const auto count = static_cast<std::size_t>(lag.end() - first);

  // Fold to at most kMaxPlotPoints, keeping each bucket's worst sample: a spike is the point.
  lag_ms_.clear();
  const std::size_t per_point = count / kMaxPlotPoints + 1;
  std::uint64_t worst_ns = 0;
  for (std::size_t begin = 0; begin < count; begin += per_point) {
    std::uint64_t bucket_ns = 0;
    for (std::size_t index = begin; index < std::min(count, begin + per_point); ++index) {
      bucket_ns = std::max(bucket_ns, first[static_cast<std::ptrdiff_t>(index)].value);
    }
    worst_ns = std::max(worst_ns, bucket_ns);
    lag_ms_.push_back(static_cast<float>(static_cast<double>(bucket_ns) / 1e6));
  }
  // While frozen, the heartbeat that is due cannot fire, so no sample arrives; it is at least
  // as late as the freeze is long, and the plot says so as it happens.
  if (freeze.frozen) {
    worst_ns = std::max(worst_ns, freeze.frozen_for_ns);
    lag_ms_.push_back(static_cast<float>(static_cast<double>(freeze.frozen_for_ns) / 1e6));
  }

  if (lag_ms_.empty()) {
    ImGui::TextDisabled("no heartbeat yet");
    return;
  }
  // The longest wording that fits the gauge: a cut one ("ng handlers") reads as nonsense.
  const std::string overlay = fitting_text(
      {"max " + format_duration_ns(worst_ns) + " in the last 10 s", "max " + format_duration_ns(worst_ns),
       format_duration_ns(worst_ns)},
      ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().FramePadding.x);
  // At least 1 ms tall, so microsecond jitter stays a flat line instead of filling the plot.
  const float scale_max_ms = std::max(static_cast<float>(static_cast<double>(worst_ns) / 1e6) * 1.1f, 1.0f);
  ImGui::PushStyleColor(ImGuiCol_PlotLines, to_imvec4(worst_ns >= 50'000'000 ? panel_colors::kAlarm : colors::kReaderLevel));
  // PlotLines in 1.86 takes no negative "fill the rest" width (ProgressBar does), so it is measured.
  ImGui::PlotLines("##lag", lag_ms_.data(), static_cast<int>(lag_ms_.size()), 0, overlay.c_str(), 0.0f, scale_max_ms,
                   ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight() * 3.5f));
  note_item_overlay_text(overlay, true);
  ImGui::PopStyleColor();
}

double LoopHealthPanel::busy_share(const model::TraceModel& model, std::uint64_t since_ns, std::uint64_t now_ns,
                                   std::uint64_t reached_ns) {
  const std::vector<model::BusySpan>& spans = model.loop().busy;
  if (&spans != recent_busy_.spans || spans.size() < recent_busy_.spans_seen || now_ns < recent_busy_.last_now_ns) {
    recent_busy_ = RecentBusy{};
    recent_busy_.spans = &spans;
  }
  recent_busy_.last_now_ns = now_ns;
  for (std::size_t index = recent_busy_.spans_seen; index < spans.size(); ++index) {
    if (spans[index].end_ns > since_ns) recent_busy_.recent.push_back(spans[index]);
  }
  recent_busy_.spans_seen = spans.size();
  // Spans arrive in about start order, so the oldest are at the front; one long span there
  // keeps a few ended ones behind it a little longer, which only costs a zero overlap each.
  while (!recent_busy_.recent.empty() && recent_busy_.recent.front().end_ns <= since_ns) {
    recent_busy_.recent.pop_front();
  }
  // As model::loop_utilisation: busy time over the part of the window the model has reached.
  const std::uint64_t end_ns = std::min(now_ns, reached_ns);
  if (end_ns <= since_ns) return 0.0;
  const model::TimeRange window{since_ns, now_ns};
  std::uint64_t busy_ns = 0;
  for (const model::BusySpan& span : recent_busy_.recent) busy_ns += window.overlap_ns(span.begin_ns, span.end_ns);
  return static_cast<double>(busy_ns) / static_cast<double>(end_ns - since_ns);
}

void LoopHealthPanel::draw_utilisation(const model::TraceModel& model, const model::FreezeNow& freeze, std::uint64_t now_ns,
                                       bool live) {
  label_cell("busy (last 1 s)", kBusyHelp);
  const std::uint64_t since_ns = now_ns > kUtilisationWindowNs ? now_ns - kUtilisationWindowNs : 0;
  // A replay's model holds every event up to the replay time, so it has reached it.
  double busy = busy_share(model, since_ns, now_ns, live ? model.end_ns() : now_ns);
  // Live, a handler is recorded when it returns, so the one stuck now is not in the model yet.
  // A recorded trace has it already, stamped when it began, so a replay counts it once.
  if (live && freeze.frozen) {
    busy += static_cast<double>(std::min<std::uint64_t>(freeze.frozen_for_ns, kUtilisationWindowNs)) /
            static_cast<double>(kUtilisationWindowNs);
  }
  busy = std::clamp(busy, 0.0, 1.0);
  char percent[16];
  std::snprintf(percent, sizeof percent, "%.0f%%", busy * 100.0);
  const std::string overlay_text =
      fitting_text({std::string(percent) + " running handlers", std::string(percent) + " busy", percent},
                   ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().FramePadding.x);
  const char* overlay = overlay_text.c_str();
  const bool saturated = busy >= 0.9;
  if (saturated) ImGui::PushStyleColor(ImGuiCol_PlotHistogram, to_imvec4(panel_colors::kAlarm));
  ImGui::ProgressBar(static_cast<float>(busy), ImVec2(-FLT_MIN, 0.0f), overlay);
  note_item_overlay_text(overlay_text, false);
  if (saturated) ImGui::PopStyleColor();
}

void LoopHealthPanel::draw_event_rate() const {
  label_cell("events / s", kRateHelp);
  ImGui::Text("%.0f", events_per_s_);
  if (rate_history_.size() > 1) {
    ImGui::SameLine();
    const float highest = *std::max_element(rate_history_.begin(), rate_history_.end());
    ImGui::PlotLines("##event_rate", rate_history_.data(), static_cast<int>(rate_history_.size()), 0, nullptr, 0.0f,
                     std::max(highest * 1.1f, 1.0f), ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight()));
  }
}

void LoopHealthPanel::draw_dropped(const model::TraceModel& model, const trace::TraceLog& log, bool live) const {
  label_cell("dropped events", kDroppedHelp);
  const std::uint64_t dropped = model.dropped_events();
  if (dropped == 0) {
    ImGui::TextUnformatted("0");
    return;
  }
  ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "%llu", static_cast<unsigned long long>(dropped));
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    // A loaded log's ring counts are the whole recording's, past the replay time too.
    if (!live) ImGui::TextDisabled("over the whole recording:");
    for (const trace::SourceInfo& source : log.sources) {
      if (source.dropped_events > 0) {
        ImGui::Text("%s ring: %llu", source.name.c_str(), static_cast<unsigned long long>(source.dropped_events));
      }
    }
    ImGui::EndTooltip();
  }
}

void LoopHealthPanel::draw_freezes(const model::TraceModel& model, const model::FreezeNow& freeze) const {
  label_cell("freezes", kFreezesHelp);
  const std::size_t count = model.loop().freezes.size();
  if (count == 0) {
    ImGui::TextUnformatted("none");
    return;
  }
  // The model ends an open freeze at its newest event, which stops coming while clients wait
  // on the frozen server; the freeze under way (the watchdog's count, or up to the replay
  // time) keeps growing, so the longer of the two is true.
  std::uint64_t longest_ns = model::longest_freeze_ns(model, model::TimeRange{});
  if (freeze.frozen) longest_ns = std::max(longest_ns, freeze.frozen_for_ns);
  const std::string text = fitting_text({std::to_string(count) + ", the longest " + format_duration_ns(longest_ns),
                                         std::to_string(count) + ", max " + format_duration_ns(longest_ns)},
                                        ImGui::GetContentRegionAvail().x);
  ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "%s", text.c_str());
}

void LoopHealthPanel::draw_pending_commands(const scenarios::LiveSession& session) const {
  label_cell("commands queued", kCommandsHelp);
  const std::size_t pending = session.pending_commands();
  if (pending == 0) {
    ImGui::TextUnformatted("0");
    return;
  }
  ImGui::PushTextWrapPos(0.0f);
  if (session.freeze().frozen) {
    ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "%zu waiting for the loop: it is frozen", pending);
  } else {
    ImGui::TextColored(to_imvec4(panel_colors::kCaution), "%zu waiting for the loop to get round to them", pending);
  }
  ImGui::PopTextWrapPos();
}

}  // namespace loopscope::viz
