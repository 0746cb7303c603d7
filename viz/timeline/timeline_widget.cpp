#include "timeline_widget.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/model/model_queries.hpp"
#include "viz/layout/fitted_text.hpp"
#include "viz/layout/layout_audit.hpp"

namespace loopscope::viz {

namespace {

// Both grow with the type, so presentation mode's large labels still fit.
constexpr float kMinLabelColumnPx = 190;
constexpr float kLabelColumnPerFontPx = 11;  // about eleven characters of lane label
float label_column_px() { return std::max(kMinLabelColumnPx, ImGui::GetFontSize() * kLabelColumnPerFontPx); }
float ruler_height_px() { return ImGui::GetFontSize() + 4; }
// Lanes lower than this share of a text line get no text: it would be cut to a sliver.
constexpr float kMinReadableLineShare = 0.6f;

ImVec2 vec(float x, float y) { return ImVec2(x, y); }

void draw_arrow_head(ImDrawList* draw, const DrawLine& line) {
  const float direction = line.y1 < line.y0 ? -1.0f : 1.0f;  // vertical arrows only
  draw->AddTriangleFilled(vec(line.x1, line.y1), vec(line.x1 - 4, line.y1 - 7 * direction),
                          vec(line.x1 + 4, line.y1 - 7 * direction), line.color);
}

std::string tick_text(std::uint64_t time_ns, std::uint64_t step_ns) {
  char text[32];
  const double seconds = static_cast<double>(time_ns) / 1e9;
  if (step_ns >= 1'000'000'000ULL) std::snprintf(text, sizeof text, "%.0f s", seconds);
  else if (step_ns >= 100'000'000ULL) std::snprintf(text, sizeof text, "%.1f s", seconds);
  else if (step_ns >= 10'000'000ULL) std::snprintf(text, sizeof text, "%.2f s", seconds);
  else if (step_ns >= 1'000'000ULL) std::snprintf(text, sizeof text, "%.3f s", seconds);
  else std::snprintf(text, sizeof text, "%.6f s", seconds);
  return text;
}

// The nicest tick step (1, 2 or 5 times a power of ten) that leaves at least 100 px between
// ticks and room for the tick's label, whatever the type size (presentation mode's is large).
std::uint64_t tick_step_ns(const TimelineViewport& viewport) {
  const double px_per_ns = viewport.px_per_ns();
  double step = 1;
  while (step * 10 * px_per_ns <= 100) step *= 10;
  const double multipliers[] = {1, 2, 5};
  for (int attempt = 0; attempt < 40; ++attempt) {  // bounded: 40 steps span 10^13 ns
    for (const double multiplier : multipliers) {
      const double candidate = step * multiplier;
      const auto candidate_ns = static_cast<std::uint64_t>(std::max(candidate, 1.0));
      const float label_px = ImGui::CalcTextSize(tick_text(viewport.end_ns, candidate_ns).c_str()).x + 12;
      if (candidate * px_per_ns >= std::max(100.0f, label_px)) return candidate_ns;
    }
    step *= 10;
  }
  return static_cast<std::uint64_t>(std::max(step, 1.0));
}

const model::StateSpan* span_at(const std::vector<model::StateSpan>& spans, std::uint64_t time_ns, std::uint64_t now_ns) {
  for (const model::StateSpan& span : spans) {
    const std::uint64_t end_ns = span.end_ns == model::kOpenEnd ? now_ns : span.end_ns;
    if (span.begin_ns <= time_ns && time_ns < end_ns) return &span;
  }
  return nullptr;
}

std::uint64_t level_at(const std::vector<model::CounterSample>& samples, std::uint64_t time_ns) {
  const auto after = std::partition_point(samples.begin(), samples.end(),
                                          [time_ns](const model::CounterSample& sample) { return sample.time_ns <= time_ns; });
  return after == samples.begin() ? 0 : std::prev(after)->value;
}

}  // namespace

TimelineWidget::TimelineWidget(SiteLabeler labeler) : builder_(std::move(labeler)) {}

void TimelineWidget::draw_toolbar(const TimelineSubject& subject) {
  TimelineNavigation& navigation = *subject.navigation;
  bool follow = navigation.follow_live();
  if (ImGui::Checkbox("Follow live", &follow)) navigation.set_follow_live(follow);
  ImGui::SameLine();
  if (ImGui::Button("Fit all")) navigation.fit_all(subject.now_ns);
  ImGui::SameLine();
  ImGui::Checkbox("Legend", &show_legend_);
  ImGui::SameLine();
  // Only where a live lesson held its clients: a held minute drawn at scale pushes the steps'
  // lines away from what they narrate.
  if (subject.model != nullptr && !subject.model->lesson_holds().empty()) {
    ImGui::Checkbox("Fold held time", &fold_held_);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Draw each stretch the lesson held its clients for the class as a thin band, "
                        "so the steps sit on the events they narrate. Untick to see it at scale.");
    }
    ImGui::SameLine();
  }
  // As much of the help as the toolbar has room for; the rest is in docs/gui.md.
  const std::string shown = "showing " + format_duration_ns(navigation.viewport().duration_ns());
  ImGui::TextDisabled("%s", fitting_text({shown + "  |  wheel: zoom  drag: pan  shift+wheel: scroll lanes  click: select",
                                          shown + "  |  wheel: zoom  drag: pan", shown},
                                         ImGui::GetContentRegionAvail().x)
                                .c_str());
  if (subject.live_freeze != nullptr && subject.live_freeze->frozen) {
    const model::FreezeNow& freeze = *subject.live_freeze;
    ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.35f, 1.0f), "LOOP FROZEN for %s in %s (task %u): nobody else can run",
                       format_duration_ns(freeze.frozen_for_ns).c_str(), freeze.site.c_str(),
                       static_cast<unsigned>(freeze.task));
  }
}

void TimelineWidget::draw_legend(bool on_this_line) {
  const float swatch_px = ImGui::GetTextLineHeight();
  bool first = !on_this_line;
  // Items flow onto the next line when the row is full, so no colour is ever cut off.
  const float line_right_px = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  auto next_item = [&](float width_px) {
    if (!first && line_right_px - ImGui::GetItemRectMax().x > width_px + 14) ImGui::SameLine(0, 14);
    first = false;
  };
  for (int index = 0; index < model::kTaskStateCount; ++index) {
    const auto state = static_cast<model::TaskState>(index);
    const std::string name(model::task_state_name(state));
    next_item(swatch_px + 4 + ImGui::CalcTextSize(name.c_str()).x);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(at, vec(at.x + swatch_px, at.y + swatch_px), state_color(state));
    ImGui::Dummy(vec(swatch_px, swatch_px));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", std::string(state_legend_text(state)).c_str());
    ImGui::SameLine(0, 4);
    ImGui::TextUnformatted(name.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", std::string(state_legend_text(state)).c_str());
  }
  // The loop lane's own colours, and the band a live lesson draws while its clients wait.
  struct Swatch {
    const char* text;
    PackedColor color;
    const char* tooltip;
  };
  const Swatch swatches[] = {
      {"loop busy", colors::kLoopBusy, "the loop is running a handler (one tick per handler run)"},
      {"loop idle", colors::kLoopIdle, "the loop is waiting for something to happen: nobody needs it"},
      {"held for the class", colors::kHeldEdge, "a live lesson held its scripted clients still while it waited"},
      {"warning", colors::kWarningMarker,
       "a triangle under the ruler: Loopscope named a mistake at this moment (hover it; the Warnings tab lists them)"}};
  for (const Swatch& swatch : swatches) {
    next_item(swatch_px + 4 + ImGui::CalcTextSize(swatch.text).x);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(at, vec(at.x + swatch_px, at.y + swatch_px), swatch.color);
    ImGui::GetWindowDrawList()->AddRect(at, vec(at.x + swatch_px, at.y + swatch_px), colors::kLightText);
    ImGui::Dummy(vec(swatch_px, swatch_px));
    ImGui::SameLine(0, 4);
    ImGui::TextUnformatted(swatch.text);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", swatch.tooltip);
  }
  struct Extra {
    const char* text;
    ImVec4 color;
  };
  const Extra extras[] = {{"freeze band", ImVec4(1.0f, 0.35f, 0.35f, 1.0f)},
                          {"writer buffer", ImVec4(0.9f, 0.62f, 0.0f, 1.0f)},
                          {"reader buffer", ImVec4(0.34f, 0.7f, 0.91f, 1.0f)},
                          {"high water", ImVec4(1.0f, 0.35f, 0.35f, 1.0f)},
                          {"low water", ImVec4(0.47f, 0.86f, 0.47f, 1.0f)}};
  for (const Extra& extra : extras) {
    next_item(ImGui::CalcTextSize(extra.text).x);
    ImGui::TextColored(extra.color, "%s", extra.text);
  }
}

void TimelineWidget::draw_ruler(const TimelineViewport& viewport, float top_px, float height_px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float right_px = viewport.left_px + viewport.width_px;
  draw->AddRectFilled(vec(viewport.left_px, top_px), vec(right_px, top_px + height_px), colors::kLaneBackground);
  const std::uint64_t step_ns = tick_step_ns(viewport);
  const PixelMapping mapping = viewport.mapping();
  for (std::uint64_t tick = viewport.begin_ns / step_ns * step_ns; tick <= viewport.end_ns; tick += step_ns) {
    // A folded stretch has no ticks of its own: the next one is the first after it.
    if (viewport.folded()) {
      const auto& folds = viewport.folds->folds();
      const auto inside = std::find_if(folds.begin(), folds.end(), [tick](const TimeFold& fold) {
        return fold.begin_ns < tick && tick < fold.end_ns;
      });
      if (inside != folds.end()) {
        tick = (inside->end_ns + step_ns - 1) / step_ns * step_ns - step_ns;
        continue;
      }
    }
    const float x = mapping.x_of(tick);
    if (x < viewport.left_px) continue;
    draw->AddLine(vec(x, top_px + height_px - 6), vec(x, top_px + height_px), colors::kLightText);
    // Each tick's time has the room up to the next tick (the last one, up to the ruler's end).
    // A time cut to "1..." says nothing, so one without room is left out.
    const float room_right_px = std::min(mapping.x_of(tick + step_ns) - 2, right_px);
    const std::string text = tick_text(tick, step_ns);
    if (x + 3 + ImGui::CalcTextSize(text.c_str()).x > room_right_px) continue;
    draw_fitted_text(draw, vec(x + 3, top_px + 1), colors::kLightText, text,
                     ScreenRect{x, top_px, room_right_px, top_px + height_px});
  }
}

void TimelineWidget::draw_lane_labels(const TimelineSubject& subject, float label_x, float label_width_px, float top_px,
                                      float bottom_px) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (const Lane& lane : geometry_.lanes) {
    const float y = geometry_.lanes_top_px + lane.top_px;
    if (y + lane.height_px < top_px || y > bottom_px) continue;
    PackedColor background = colors::kLaneBackground;
    PackedColor text = colors::kLightText;
    if (lane.kind == LaneKind::GroupHeader) background = pack_rgba(60, 66, 80);
    if (lane.kind == LaneKind::Buffers) text = pack_rgba(170, 170, 170);
    if (lane.kind == LaneKind::Task && *subject.selected_task == lane.task_id) background = pack_rgba(70, 90, 130);
    draw->AddRectFilled(vec(label_x, y), vec(label_x + label_width_px, y + lane.height_px), background);
    if (lane.kind == LaneKind::GroupHeader) {
      // Group headers stretch across the canvas, so the group reads as one block.
      draw->AddRectFilled(vec(label_x + label_width_px, y),
                          vec(geometry_.viewport.left_px + geometry_.viewport.width_px, y + lane.height_px),
                          pack_rgba(45, 50, 62));
    }
    // A label cut to a sliver cannot be read; its glyphs would still cost fill. Nor one the
    // canvas's edge (or the strip under the lanes) cuts in half.
    if (lane.height_px < kMinReadableLineShare * ImGui::GetTextLineHeight()) continue;
    const float text_top_px = y + std::max(0.0f, (lane.height_px - ImGui::GetTextLineHeight()) / 2);
    if (y < top_px - 1 || text_top_px + ImGui::GetTextLineHeight() > bottom_px + 1) continue;
    // A group header's name may run across the canvas (its row is empty); a lane's stays in its cell.
    const float right_px = lane.kind == LaneKind::GroupHeader ? geometry_.viewport.left_px + geometry_.viewport.width_px
                                                              : label_x + label_width_px - 2;
    draw_fitted_text(draw, vec(label_x + 4, text_top_px), text, lane.label,
                     ScreenRect{label_x, y, right_px, std::max(y + lane.height_px, text_top_px + ImGui::GetTextLineHeight())});
  }
}

void TimelineWidget::handle_input(const TimelineSubject& subject, TimelineNavigation& navigation, float lanes_height_px) {
  const ImGuiIO& io = ImGui::GetIO();
  const bool hovered = ImGui::IsItemHovered();
  if (hovered && io.MouseWheel != 0) {
    if (io.KeyShift) {
      scroll_y_px_ -= io.MouseWheel * 60;
    } else {
      navigation.zoom_at(io.MousePos.x, io.MouseWheel);
    }
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    navigation.pan_by_px(io.MouseDelta.x);
    scroll_y_px_ -= io.MouseDelta.y;
  }
  // A task selected elsewhere (a warning, a connection row) is scrolled into view, with the
  // lane below it (its buffers) when there is room: the learner is sent to look at it. Kept up
  // for a few frames, because the layout around the timeline may still be settling (a caption
  // that grows to what it says takes a frame to measure).
  if (*subject.selected_task != selection_seen_) {
    selection_seen_ = *subject.selected_task;
    scroll_to_selection_frames_ = selection_seen_ ? 10 : 0;
  }
  if (scroll_to_selection_frames_ > 0 && !ImGui::IsItemActive()) {
    --scroll_to_selection_frames_;
    for (std::size_t index = 0; index < geometry_.lanes.size(); ++index) {
      const Lane& lane = geometry_.lanes[index];
      if (lane.kind != LaneKind::Task || lane.task_id != *selection_seen_) continue;
      const bool next_is_buffers = index + 1 < geometry_.lanes.size() && geometry_.lanes[index + 1].kind == LaneKind::Buffers;
      const float bottom_px = next_is_buffers ? geometry_.lanes[index + 1].bottom_px() : lane.bottom_px();
      if (bottom_px - scroll_y_px_ > geometry_.canvas_height) scroll_y_px_ = bottom_px - geometry_.canvas_height + 4;
      if (lane.top_px < scroll_y_px_) scroll_y_px_ = lane.top_px;
    }
  }
  const float max_scroll = std::max(0.0f, lanes_height_px - geometry_.canvas_height + 8);
  scroll_y_px_ = std::clamp(scroll_y_px_, 0.0f, max_scroll);
  // A click (not a drag) picks the task under the cursor; a click on a header folds its group.
  if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Left) && ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x == 0) {
    const float lane_y = io.MousePos.y - geometry_.lanes_top_px;
    for (const Lane& lane : geometry_.lanes) {
      if (lane_y < lane.top_px || lane_y >= lane.bottom_px()) continue;
      if (lane.kind == LaneKind::Task || lane.kind == LaneKind::Buffers) *subject.selected_task = lane.task_id;
      if (lane.kind == LaneKind::GroupHeader) {
        auto& collapsed = subject.lane_options->collapsed_groups;
        if (!collapsed.erase(lane.group)) collapsed.insert(lane.group);
      }
    }
  }
}

void TimelineWidget::draw_warning_markers(const TimelineSubject& subject, ImDrawList* draw, float top_px,
                                          float right_px) {
  hovered_warnings_.clear();
  if (subject.warnings == nullptr || subject.model == nullptr) return;
  const float half_px = std::max(4.0f, ImGui::GetTextLineHeight() * 0.35f);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool mouse_on_row = ImGui::IsItemHovered() && mouse.y >= top_px && mouse.y <= top_px + 2 * half_px;
  for (std::size_t index = 0; index < subject.warnings->size(); ++index) {
    const model::Warning& warning = (*subject.warnings)[index];
    const float x = geometry_.viewport.x_of(warning.time_ns);
    if (x < geometry_.viewport.left_px - half_px || x > right_px + half_px) continue;
    draw->AddTriangleFilled(vec(x - half_px, top_px), vec(x + half_px, top_px), vec(x, top_px + 2 * half_px),
                            colors::kWarningMarker);
    if (mouse_on_row && std::abs(mouse.x - x) <= half_px + 1) hovered_warnings_.push_back(index);
  }
}

void TimelineWidget::draw_tooltip(const TimelineSubject& subject, float mouse_x, float mouse_y) {
  if (subject.model == nullptr) return;
  if (!hovered_warnings_.empty() && subject.warnings != nullptr) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
    for (const std::size_t index : hovered_warnings_) {
      const model::Warning& warning = (*subject.warnings)[index];
      ImGui::TextColored(ImVec4(1, 0.6f, 0.15f, 1), "%s at %.3f s", std::string(model::warning_title(warning.kind)).c_str(),
                         static_cast<double>(warning.time_ns) / 1e9);
      ImGui::TextUnformatted(warning.message.c_str());
    }
    ImGui::TextDisabled("the Warnings tab lists them all");
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
    return;
  }
  const model::TraceModel& model = *subject.model;
  const trace::TraceLog& log = *subject.log;
  const std::uint64_t time_ns = geometry_.viewport.time_at(mouse_x);
  const std::uint64_t now_ns = subject.now_ns;
  const float lane_y = mouse_y - geometry_.lanes_top_px;
  const Lane* lane = nullptr;
  for (const Lane& candidate : geometry_.lanes) {
    if (lane_y >= candidate.top_px && lane_y < candidate.bottom_px()) lane = &candidate;
  }
  ImGui::BeginTooltip();
  ImGui::Text("t = %.6f s", static_cast<double>(time_ns) / 1e9);
  for (const model::Freeze& freeze : model.loop().freezes) {
    const std::uint64_t end_ns = freeze.end_ns == model::kOpenEnd ? now_ns : freeze.end_ns;
    if (freeze.begin_ns <= time_ns && time_ns < end_ns) {
      ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "loop frozen %s in %s (task %u)",
                         format_duration_ns(end_ns - freeze.begin_ns).c_str(), log.site_text(freeze.site).c_str(),
                         static_cast<unsigned>(freeze.task));
    }
  }
  for (const model::LessonHoldRecord& hold : model.lesson_holds()) {
    const std::uint64_t end_ns = hold.end_ns.value_or(now_ns);
    // A folded stretch is a few pixels wide: the pointer on it counts.
    if (hold.begin_ns <= time_ns && time_ns <= end_ns) {
      ImGui::TextColored(ImVec4(0.6f, 0.7f, 1.0f, 1), "%s for %s%s",
                         hold.reason == trace::HoldReason::Prediction ? "held for the class's answer" : "held (paused)",
                         format_duration_ns(end_ns - hold.begin_ns).c_str(),
                         fold_held_ ? " (folded: untick Fold held time to see it at scale)" : "");
    }
  }
  if (lane != nullptr && lane->kind == LaneKind::Task) {
    if (const model::TaskRecord* task = model.task(lane->task_id)) {
      const auto spans = model::spans_with_runnable(model, *task, {time_ns, time_ns + 1});
      if (const model::StateSpan* span = span_at(spans, time_ns, now_ns)) {
        const std::uint64_t end_ns = span->end_ns == model::kOpenEnd ? now_ns : span->end_ns;
        ImGui::Text("task %u (%s): %s", static_cast<unsigned>(task->id), task->handler.c_str(),
                    std::string(model::task_state_name(span->state)).c_str());
        ImGui::Text("from %.6f s for %s%s", static_cast<double>(span->begin_ns) / 1e9,
                    format_duration_ns(end_ns - span->begin_ns).c_str(), span->end_ns == model::kOpenEnd ? " (so far)" : "");
        if (span->site != 0) ImGui::Text("at %s", log.site_text(span->site).c_str());
        if (span->state == model::TaskState::Exited && !task->failure.empty()) {
          // What killed it, as asyncio logs "Unhandled exception in client_connected_cb".
          ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "died of %s", task->failure.c_str());
          if (task->failure_site != 0) ImGui::Text("raised at %s", log.site_text(task->failure_site).c_str());
        }
      }
    }
  }
  if (lane != nullptr && lane->kind == LaneKind::Buffers) {
    if (const model::ConnectionRecord* connection = model.connection(lane->task_id)) {
      ImGui::Text("connection %u, peer port %u", static_cast<unsigned>(connection->id),
                  static_cast<unsigned>(connection->peer_port));
      for (const trace::BufferKind kind : {trace::BufferKind::Writer, trace::BufferKind::Reader,
                                           trace::BufferKind::KernelSend, trace::BufferKind::KernelReceive}) {
        ImGui::Text("%-15s %s", std::string(trace::buffer_kind_name(kind)).c_str(),
                    format_bytes(level_at(connection->level(kind), time_ns)).c_str());
      }
      ImGui::Text("high water %s, low water %s", format_bytes(connection->high_water_bytes).c_str(),
                  format_bytes(connection->low_water_bytes).c_str());
    }
  }
  if (lane != nullptr && lane->kind == LaneKind::Process) {
    // The whole process as the kernel counts it, at the time under the mouse.
    const auto gauge = [&](trace::ProcessGauge kind) { return level_at(model.process().gauge(kind), time_ns); };
    ImGui::Text("process: %llu threads", static_cast<unsigned long long>(gauge(trace::ProcessGauge::Threads)));
    ImGui::Text("resident %s, reserved %s", format_bytes(gauge(trace::ProcessGauge::ResidentBytes)).c_str(),
                format_bytes(gauge(trace::ProcessGauge::ReservedBytes)).c_str());
    ImGui::Text("context switches so far: %llu voluntary, %llu involuntary",
                static_cast<unsigned long long>(gauge(trace::ProcessGauge::VoluntarySwitches)),
                static_cast<unsigned long long>(gauge(trace::ProcessGauge::InvoluntarySwitches)));
    ImGui::TextDisabled("pink: threads; green: resident memory (each on its own scale)");
  }
  if (lane != nullptr && lane->kind == LaneKind::Loop) {
    const auto& busy = model.loop().busy;
    const auto after = std::partition_point(busy.begin(), busy.end(),
                                            [time_ns](const model::BusySpan& span) { return span.begin_ns <= time_ns; });
    const bool running = after != busy.begin() && std::prev(after)->end_ns > time_ns;
    ImGui::Text("event loop: %s", running ? "running a handler" : "idle (waiting for I/O or timers)");
    const auto& lag = model.loop().lag;
    const auto lag_after = std::partition_point(lag.begin(), lag.end(),
                                                [time_ns](const model::CounterSample& s) { return s.time_ns <= time_ns; });
    if (lag_after != lag.begin()) ImGui::Text("heartbeat lag %s", format_duration_ns(std::prev(lag_after)->value).c_str());
  }
  for (const DrawRect& rect : draw_list_.rects) {
    if (rect.folded_spans > 0 && mouse_x >= rect.x0 && mouse_x < rect.x1 && mouse_y >= rect.y0 && mouse_y < rect.y1) {
      ImGui::TextDisabled("%u spans narrower than a pixel folded here: zoom in to see them",
                          static_cast<unsigned>(rect.folded_spans));
      break;
    }
  }
  ImGui::EndTooltip();
}

void TimelineWidget::draw(const TimelineSubject& subject) {
  draw_toolbar(subject);
  if (show_legend_) draw_legend();
  fold_held_stretches(subject);
  draw_canvas(subject, *subject.navigation);
}

void TimelineWidget::fold_held_stretches(const TimelineSubject& subject) {
  std::vector<TimeFold> folds;
  if (fold_held_ && subject.model != nullptr) {
    for (const model::LessonHoldRecord& hold : subject.model->lesson_holds()) {
      folds.push_back(TimeFold{hold.begin_ns, hold.end_ns.value_or(subject.now_ns)});
    }
  }
  // Rebuilt only when a hold begins, ends or grows: the viewport shares the same folds.
  const bool same = folds_ != nullptr && folds_->folds().size() == folds.size() &&
                    (folds.empty() || folds_->folds().back().end_ns == folds.back().end_ns);
  if (!same) folds_ = folds.empty() ? nullptr : std::make_shared<const TimeFolds>(std::move(folds));
  subject.navigation->set_folds(folds_);
}

void TimelineWidget::draw_canvas(const TimelineSubject& subject, TimelineNavigation& navigation) {
  if (subject.generation != generation_seen_) {
    builder_.forget_trace();
    generation_seen_ = subject.generation;
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.x = std::max(size.x, 200.0f);
  size.y = std::max(size.y, 120.0f);
  const float label_column_width_px = label_column_px();
  const float ruler_px = ruler_height_px();
  const float time_left_px = origin.x + label_column_width_px;
  const float time_width_px = size.x - label_column_width_px;
  const float canvas_top_px = origin.y + ruler_px;
  const float canvas_height_px = size.y - ruler_px;

  const std::uint64_t now_ns = subject.now_ns;
  navigation.update(now_ns, time_left_px, time_width_px);
  subject.lane_options->selected_task = *subject.selected_task;  // a cleared selection must clear it too
  geometry_.lanes = subject.model ? build_lanes(*subject.model, *subject.lane_options) : std::vector<Lane>{};
  geometry_.canvas_x = time_left_px;
  geometry_.canvas_y = canvas_top_px;
  geometry_.canvas_width = time_width_px;
  // Marks and lesson steps label a strip of their own at the bottom, so the lanes end above it.
  const bool annotated =
      subject.model != nullptr && (!subject.model->marks().empty() || !subject.model->lesson_steps().empty());
  const float strip_px = annotated ? annotations_height_px(ImGui::GetTextLineHeight()) : 0.0f;
  const float lanes_area_bottom_px = origin.y + size.y - strip_px;
  geometry_.canvas_height = canvas_height_px - strip_px;  // what the lanes can use, and scroll within

  ImGui::InvisibleButton("timeline_canvas", size, ImGuiButtonFlags_MouseButtonLeft);
  const float lanes_height = lanes_height_px(geometry_.lanes);
  handle_input(subject, navigation, lanes_height);
  geometry_.viewport = navigation.viewport();
  geometry_.lanes_top_px = canvas_top_px - scroll_y_px_;

  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(origin, vec(origin.x + size.x, origin.y + size.y), true);
  // Software renderers pay per pixel drawn, so nothing is painted under the lanes: the
  // background only fills the canvas below the last lane.
  const float lanes_bottom_px = std::max(canvas_top_px, geometry_.lanes_top_px + lanes_height);
  draw->AddRectFilled(vec(origin.x, lanes_bottom_px), vec(origin.x + size.x, origin.y + size.y), pack_rgba(22, 24, 28));
  draw_ruler(geometry_.viewport, origin.y, ruler_px);
  draw->PushClipRect(vec(origin.x, canvas_top_px), vec(origin.x + size.x, origin.y + size.y), true);
  draw_lane_labels(subject, origin.x, label_column_width_px, canvas_top_px, lanes_area_bottom_px);
  // Right under the last lane when they end above the bottom, else at the bottom over them.
  const float annotations_top_px = std::min(lanes_bottom_px, lanes_area_bottom_px);

  if (subject.model != nullptr) {
    TimelineFrame frame;
    frame.viewport = geometry_.viewport;
    frame.lanes_top_px = geometry_.lanes_top_px;
    frame.visible_top_px = canvas_top_px;
    frame.visible_bottom_px = lanes_area_bottom_px;
    if (annotated) frame.annotations_top_px = annotations_top_px;
    frame.now_ns = now_ns;
    frame.log = subject.log;
    frame.min_label_lane_height_px = kMinReadableLineShare * ImGui::GetTextLineHeight();
    frame.text_line_height_px = ImGui::GetTextLineHeight();
    geometry_.text_line_height_px = frame.text_line_height_px;
    builder_.build(*subject.model, geometry_.lanes, frame, draw_list_);
  } else {
    draw_list_.clear();
  }
  draw->PushClipRect(vec(time_left_px, canvas_top_px), vec(origin.x + size.x, origin.y + size.y), true);
  // The lanes' rectangles reach the screen as one textured quad, painted on the CPU only when
  // they change (see rect_raster.hpp for why); bands, lines and texts are drawn over it.
  const int raster_left_px = static_cast<int>(std::floor(time_left_px));
  const int raster_top_px = static_cast<int>(std::floor(canvas_top_px));
  const int raster_right_px = static_cast<int>(std::ceil(origin.x + size.x));
  const int raster_bottom_px = static_cast<int>(std::ceil(std::min(lanes_area_bottom_px, lanes_bottom_px)));
  if (lane_raster_.paint(draw_list_.rects, raster_left_px, raster_top_px, raster_right_px - raster_left_px,
                         raster_bottom_px - raster_top_px)) {
    lane_texture_.upload(lane_raster_);
  }
  lane_texture_.draw(draw, lane_raster_);
  if (annotated) {  // the lane labels of a lane half under the strip stop at it
    draw->AddRectFilled(vec(origin.x, annotations_top_px), vec(origin.x + size.x, annotations_top_px + strip_px),
                        pack_rgba(22, 24, 28));
  }
  for (const DrawRect& band : draw_list_.bands) draw->AddRectFilled(vec(band.x0, band.y0), vec(band.x1, band.y1), band.color);
  for (const DrawLine& line : draw_list_.lines) {
    draw->AddLine(vec(line.x0, line.y0), vec(line.x1, line.y1), line.color, line.thickness_px);
    if (line.arrow_head) draw_arrow_head(draw, line);
  }
  const float line_px = ImGui::GetTextLineHeight();
  for (const DrawText& text : draw_list_.texts) {
    // Cut to the end of what it labels, with "..." (the tooltip there has the whole text).
    const std::string shown = elided_to_width(text.text, text.clip_right_px - text.x);
    if (shown.empty()) continue;
    const float width_px = ImGui::CalcTextSize(shown.c_str()).x;
    if (text.background != 0) {
      draw->AddRectFilled(vec(text.x - 2, text.y), vec(text.x + width_px + 2, text.y + line_px), text.background);
    }
    // Already cut to fit: drawn and noted as is, not measured a third time.
    draw->AddText(vec(text.x, text.y), text.color, shown.c_str());
    note_drawn_text(shown, ScreenRect{text.x, text.y, text.x + width_px, text.y + line_px},
                    ScreenRect{text.x - 2, text.y, text.clip_right_px, text.y + line_px + 2});
  }
  draw_warning_markers(subject, draw, canvas_top_px, origin.x + size.x);
  if (subject.model == nullptr) {
    draw_fitted_text(draw, vec(time_left_px + 20, canvas_top_px + 20), colors::kLightText,
                     "No session yet: pick a lesson or start free play on the left.",
                     ScreenRect{time_left_px, canvas_top_px, origin.x + size.x, origin.y + size.y});
  }
  draw->PopClipRect();
  draw->PopClipRect();
  draw->PopClipRect();

  if (ImGui::IsItemHovered() && ImGui::GetIO().MousePos.x >= time_left_px) {
    draw_tooltip(subject, ImGui::GetIO().MousePos.x, ImGui::GetIO().MousePos.y);
  }
}

}  // namespace loopscope::viz
