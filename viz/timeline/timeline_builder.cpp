#include "timeline_builder.hpp"

#include <algorithm>
#include <cstdio>

#include "core/model/model_queries.hpp"
#include "viz/timeline/span_folder.hpp"
#include "viz/timeline/span_summary.hpp"

namespace loopscope::viz {

namespace {

// Category colours for task lanes: the TaskState palette, by state index.
std::array<PackedColor, SpanFolder::kMaxCategories> task_palette() {
  std::array<PackedColor, SpanFolder::kMaxCategories> palette{};
  for (int state = 0; state < model::kTaskStateCount; ++state) {
    palette[static_cast<std::size_t>(state)] = state_color(static_cast<model::TaskState>(state));
  }
  return palette;
}

constexpr std::uint8_t kLoopBusyCategory = 0;
constexpr std::uint8_t kLoopBlockingCategory = 1;

std::array<PackedColor, SpanFolder::kMaxCategories> loop_palette() {
  std::array<PackedColor, SpanFolder::kMaxCategories> palette{};
  palette[kLoopBusyCategory] = colors::kLoopBusy;
  palette[kLoopBlockingCategory] = colors::kLoopBlocked;
  return palette;
}

std::uint64_t span_end(std::uint64_t end_ns, std::uint64_t now_ns) { return end_ns == model::kOpenEnd ? now_ns : end_ns; }

bool lane_visible(const Lane& lane, const TimelineFrame& frame) {
  const float top = frame.lanes_top_px + lane.top_px;
  return top + lane.height_px >= frame.visible_top_px && top <= frame.visible_bottom_px;
}

// Index of the first interval that may overlap `begin_ns`, for time-ordered intervals whose
// ends are (nearly) ordered too; one step back absorbs a long interval that started earlier.
template <class Interval>
std::size_t first_overlapping(const std::vector<Interval>& intervals, std::uint64_t begin_ns) {
  const auto found = std::partition_point(intervals.begin(), intervals.end(),
                                          [begin_ns](const Interval& interval) { return interval.end_ns < begin_ns; });
  const auto index = static_cast<std::size_t>(found - intervals.begin());
  return index > 0 ? index - 1 : 0;
}

// The first interval after `index` that ends at or after `time_ns`. Galloping first: the
// answer is usually a few intervals away, and a plain binary search over the rest of a long
// trace would cost log(n) for every pixel column.
template <class Interval>
std::size_t first_ending_at_or_after(const std::vector<Interval>& intervals, std::size_t index, std::uint64_t time_ns) {
  std::size_t low = index + 1;
  std::size_t step = 1;
  while (low + step < intervals.size() && intervals[low + step - 1].end_ns < time_ns) {
    low += step;
    step *= 2;
  }
  const std::size_t high = std::min(low + step, intervals.size());
  const auto found = std::partition_point(intervals.begin() + static_cast<std::ptrdiff_t>(low),
                                          intervals.begin() + static_cast<std::ptrdiff_t>(high),
                                          [time_ns](const Interval& interval) { return interval.end_ns < time_ns; });
  return static_cast<std::size_t>(found - intervals.begin());
}

}  // namespace

std::string format_duration_ns(std::uint64_t duration_ns) {
  char text[32];
  const double ns = static_cast<double>(duration_ns);
  if (duration_ns >= 10'000'000'000ULL) std::snprintf(text, sizeof text, "%.0f s", ns / 1e9);
  else if (duration_ns >= 1'000'000'000ULL) std::snprintf(text, sizeof text, "%.2f s", ns / 1e9);
  else if (duration_ns >= 1'000'000ULL) std::snprintf(text, sizeof text, "%.0f ms", ns / 1e6);
  else if (duration_ns >= 1'000ULL) std::snprintf(text, sizeof text, "%.0f us", ns / 1e3);
  else std::snprintf(text, sizeof text, "%llu ns", static_cast<unsigned long long>(duration_ns));
  return text;
}

TimelineBuilder::TimelineBuilder(SiteLabeler labeler) : labeler_(std::move(labeler)) {}

void TimelineBuilder::forget_trace() {
  labels_log_ = nullptr;
  site_labels_.clear();
  summaries_.forget_model_if_not(nullptr);
}

const std::string& TimelineBuilder::site_label(trace::SiteId site) {
  auto found = site_labels_.find(site);
  if (found == site_labels_.end()) {
    std::string label = labeler_ && labels_log_ != nullptr && site != 0 ? labeler_(*labels_log_, site) : std::string();
    found = site_labels_.emplace(site, std::move(label)).first;
  }
  return found->second;
}

void TimelineBuilder::build(const model::TraceModel& model, const std::vector<Lane>& lanes, const TimelineFrame& frame,
                            DrawList& out) {
  out.clear();
  summaries_.forget_model_if_not(&model);
  if (frame.log != labels_log_) {
    labels_log_ = frame.log;
    site_labels_.clear();
  }
  const Lane* task_lane = nullptr;
  for (const Lane& lane : lanes) {
    if (lane.kind == LaneKind::Task) task_lane = &lane;
    if (!lane_visible(lane, frame)) continue;
    switch (lane.kind) {
      case LaneKind::Loop: add_loop_lane(model, lane, frame, out); break;
      case LaneKind::Process: add_process_lane(model, lane, frame, out); break;
      case LaneKind::Task: add_task_lane(model, lane, frame, out); break;
      case LaneKind::Buffers:
        add_buffers_lane(model, lane, task_lane != nullptr && task_lane->task_id == lane.task_id ? task_lane : nullptr,
                         frame, out);
        break;
      case LaneKind::GroupHeader: break;  // the widget draws its text
    }
  }
  // A lane cut by the canvas's edge keeps its rectangles (clipped) but not a label that would
  // be cut in half or sit on the strip below.
  std::erase_if(out.texts, [&](const DrawText& text) {
    return text.y < frame.visible_top_px - 1 || text.y + frame.text_line_height_px > frame.visible_bottom_px + 1;
  });
  const float top_px = std::max(frame.lanes_top_px, frame.visible_top_px);
  const float bottom_px = std::min(frame.lanes_top_px + lanes_height_px(lanes), frame.visible_bottom_px);
  add_marks(model, frame, top_px, bottom_px, out);
  add_freeze_bands(model, frame, top_px, bottom_px, out);
  add_hold_bands(model, frame, top_px, bottom_px, out);
}

void TimelineBuilder::add_loop_lane(const model::TraceModel& model, const Lane& lane, const TimelineFrame& frame,
                                    DrawList& out) {
  const float top = frame.lanes_top_px + lane.top_px;
  const float bottom = top + lane.height_px;
  out.rects.push_back(DrawRect{frame.viewport.left_px, top, frame.viewport.left_px + frame.viewport.width_px, bottom,
                               colors::kLoopIdle, 0});
  static const auto palette = loop_palette();
  const auto& busy = model.loop().busy;
  SpanFolder folder(frame.viewport, top + 2, bottom - 2, palette, out.rects);
  std::size_t index = first_overlapping(busy, frame.viewport.begin_ns);
  while (index < busy.size() && busy[index].begin_ns < frame.viewport.end_ns) {
    folder.add(busy[index].begin_ns, busy[index].end_ns, kLoopBusyCategory);
    ++out.spans_visited;
    // Handlers that end within the same pixel column add nothing visible: jump past them.
    const std::size_t next_index = first_ending_at_or_after(busy, index, folder.next_column_ns(busy[index].end_ns));
    folder.add_skipped(static_cast<std::uint32_t>(next_index - index - 1));
    index = next_index;
  }
  folder.finish();
  // A handler stuck right now has no HandlerInvoked yet: its freeze says the loop is busy.
  SpanFolder blocking(frame.viewport, top + 2, bottom - 2, palette, out.rects);
  for (const model::Freeze& freeze : model.loop().freezes) {
    blocking.add(freeze.begin_ns, span_end(freeze.end_ns, frame.now_ns), kLoopBlockingCategory);
  }
  blocking.finish();
}

void TimelineBuilder::add_process_lane(const model::TraceModel& model, const Lane& lane, const TimelineFrame& frame,
                                       DrawList& out) {
  const float top = frame.lanes_top_px + lane.top_px;
  const float bottom = top + lane.height_px;
  const float left_px = frame.viewport.left_px;
  const float right_px = left_px + frame.viewport.width_px;
  out.rects.push_back(DrawRect{left_px, top, right_px, bottom, colors::kLaneBackgroundAlternate, 0});
  // Two step plots on scales of their own (each gauge's peak in the whole trace, so the scale
  // holds still while panning): resident memory filled, the thread count as a line of bars above.
  const auto plot = [&](const std::vector<model::CounterSample>& samples, PackedColor color, float y_top, float y_bottom) {
    if (samples.empty()) return;
    std::uint64_t peak = 1;
    for (const auto& sample : samples) peak = std::max(peak, sample.value);
    const auto y_of = [&](std::uint64_t value) {
      return y_bottom - (y_bottom - y_top) * static_cast<float>(static_cast<double>(value) / static_cast<double>(peak));
    };
    const auto first = std::partition_point(samples.begin(), samples.end(), [&](const model::CounterSample& sample) {
      return sample.time_ns < frame.viewport.begin_ns;
    });
    auto sample = first == samples.begin() ? first : std::prev(first);
    for (; sample != samples.end() && sample->time_ns < frame.viewport.end_ns; ++sample) {
      const auto next = std::next(sample);
      const std::uint64_t until_ns = next == samples.end() ? std::min(frame.now_ns, model.end_ns()) : next->time_ns;
      const float x0 = std::max(frame.viewport.x_of(sample->time_ns), left_px);
      const float x1 = std::min(frame.viewport.x_of(until_ns), right_px);
      ++out.spans_visited;
      if (x1 <= x0 || sample->value == 0) continue;
      out.rects.push_back(DrawRect{x0, y_of(sample->value), std::max(x1, x0 + 1.0f), y_bottom, color, 0});
    }
  };
  const float middle = top + lane.height_px * 0.45f;
  plot(model.process().gauge(trace::ProcessGauge::Threads), colors::kThreadsLevel, top + 1, middle);
  plot(model.process().gauge(trace::ProcessGauge::ResidentBytes), colors::kResidentLevel, middle + 1, bottom - 1);
}

void TimelineBuilder::add_task_lane(const model::TraceModel& model, const Lane& lane, const TimelineFrame& frame,
                                    DrawList& out) {
  const model::TaskRecord* task = model.task(lane.task_id);
  if (task == nullptr) return;
  const float top = frame.lanes_top_px + lane.top_px;
  const float bottom = top + lane.height_px;
  static const auto palette = task_palette();
  const model::ClientRecord* client = model::client_of(model, *task);
  const auto& spans = task->spans;
  const TaskSpanSummary& summary = summaries_.summary_of(*task);
  SpanFolder folder(frame.viewport, top, bottom, palette, out.rects);
  const float right_px = frame.viewport.left_px + frame.viewport.width_px;
  const PixelMapping mapping = frame.viewport.mapping();
  const std::uint64_t now_ns = frame.now_ns;
  // The spans in view are [index, view_end): spans are contiguous, so their ends are ordered.
  const auto ends_before_view = [&](const model::StateSpan& span) {
    return span_end(span.end_ns, now_ns) <= frame.viewport.begin_ns;
  };
  const auto begins_in_view = [&](const model::StateSpan& span) { return span.begin_ns < frame.viewport.end_ns; };
  const auto first_in_view = std::partition_point(spans.begin(), spans.end(), ends_before_view);
  std::size_t index = static_cast<std::size_t>(first_in_view - spans.begin());
  const std::size_t view_end =
      static_cast<std::size_t>(std::partition_point(first_in_view, spans.end(), begins_in_view) - spans.begin());
  // A span shorter than this is narrower than a pixel wherever it lies (the margin absorbs
  // x_of's float rounding), so runs of them fold without a look at each.
  const auto narrow_below_ns = static_cast<std::uint64_t>(mapping.ns_per_px * 0.999);
  while (index < view_end) {
    const std::size_t wide = summary.next_at_least(spans, index, view_end, narrow_below_ns, now_ns, out.spans_visited);
    if (wide > index) {
      // [index, wide): one folded block, its colour from the exact time per state.
      StateTimes times{};
      const model::StateSpan& last = spans[wide - 1];
      const bool last_open = last.end_ns == model::kOpenEnd;
      summary.add_state_times(spans, index, last_open ? wide - 1 : wide, times, out.spans_visited);
      if (last_open && now_ns > last.begin_ns) times[static_cast<std::size_t>(last.state)] += now_ns - last.begin_ns;
      folder.add_run(spans[index].begin_ns, span_end(last.end_ns, now_ns), static_cast<std::uint32_t>(wide - index), times);
    }
    if (wide == view_end) break;
    index = wide + 1;
    const model::StateSpan& span = spans[wide];
    const std::uint64_t end_ns = span_end(span.end_ns, now_ns);
    const float x0 = std::max(mapping.x_of(span.begin_ns), frame.viewport.left_px);
    const float x1 = std::min(mapping.x_of(end_ns), right_px);
    if (x1 - x0 < 1.0f) {
      // Long, but clipped by the view's edge to less than a pixel.
      folder.add(span.begin_ns, end_ns, static_cast<std::uint8_t>(span.state));
      continue;
    }
    // A read wait whose bytes had already been sent: the rest of it is Runnable.
    const std::optional<std::uint64_t> runnable_ns = model::runnable_since_ns(client, span);
    if (runnable_ns) {
      folder.add(span.begin_ns, *runnable_ns, static_cast<std::uint8_t>(span.state));
      folder.add(*runnable_ns, end_ns, static_cast<std::uint8_t>(model::TaskState::Runnable));
    } else {
      folder.add(span.begin_ns, end_ns, static_cast<std::uint8_t>(span.state));
    }
    if (span.state == model::TaskState::Running || span.state == model::TaskState::Exited || span.site == 0) continue;
    const float marker_x1 = runnable_ns ? std::min(frame.viewport.x_of(*runnable_ns), right_px) : x1;
    if (marker_x1 - x0 < frame.min_marker_width_px || lane.height_px < frame.min_label_lane_height_px) continue;
    const std::string& label = site_label(span.site);
    if (label.empty()) continue;
    // A suspension marker: a tick where the task stopped, and the site it waits in.
    out.lines.push_back(DrawLine{x0, top, x0, bottom, colors::kMarkerText, 2, false});
    out.texts.push_back(DrawText{x0 + 4, top + 2, marker_x1 - 2, colors::kMarkerText, label});
  }
  folder.finish();
}

void TimelineBuilder::add_buffers_lane(const model::TraceModel& model, const Lane& lane, const Lane* task_lane,
                                       const TimelineFrame& frame, DrawList& out) {
  const model::ConnectionRecord* connection = model.connection(lane.task_id);
  if (connection == nullptr) return;
  const float top = frame.lanes_top_px + lane.top_px;
  const float bottom = top + lane.height_px;
  const float left_px = frame.viewport.left_px;
  const float right_px = left_px + frame.viewport.width_px;
  out.rects.push_back(DrawRect{left_px, top, right_px, bottom, colors::kLaneBackgroundAlternate, 0});

  const auto& writer = connection->level(trace::BufferKind::Writer);
  const auto& reader = connection->level(trace::BufferKind::Reader);
  // One scale for both buffers: the high-water mark with headroom, or the peak if higher.
  std::uint64_t scale_bytes = connection->high_water_bytes + connection->high_water_bytes / 4;
  // The connection's all-time peaks (kept by the model) rather than the peaks in view: no scan
  // per frame, and the scale does not jump while panning.
  scale_bytes = std::max({scale_bytes, connection->peak(trace::BufferKind::Writer),
                          connection->peak(trace::BufferKind::Reader), std::uint64_t{1024}});
  const float usable_px = lane.height_px - 3;
  auto y_of = [&](std::uint64_t bytes) {
    return bottom - 1 - usable_px * static_cast<float>(static_cast<double>(bytes) / static_cast<double>(scale_bytes));
  };

  // A step plot: each sample's level holds until the next. Steps narrower than a pixel merge
  // into the previous column at their peak, so the envelope survives any zoom level.
  auto plot = [&](const std::vector<model::CounterSample>& samples, PackedColor color) {
    if (samples.empty()) return;
    const auto first = std::partition_point(samples.begin(), samples.end(), [&](const model::CounterSample& sample) {
      return sample.time_ns < frame.viewport.begin_ns;
    });
    std::uint64_t level = first == samples.begin() ? 0 : std::prev(first)->value;
    float cursor_px = left_px;
    bool last_open = false;  // the last rect may still absorb sub-pixel steps
    auto emit = [&](float x0, float x1, std::uint64_t bytes) {
      x0 = std::max(x0, left_px);
      x1 = std::min(x1, right_px);
      if (x1 <= x0) return;
      if (last_open && !out.rects.empty() && (x1 - x0 < 1.0f) && out.rects.back().x1 >= x0 - 0.5f) {
        DrawRect& previous = out.rects.back();
        previous.x1 = std::max(previous.x1, x1);
        previous.y0 = std::min(previous.y0, y_of(bytes));
        return;
      }
      if (bytes == 0) {
        last_open = false;
        return;
      }
      // A spike narrower than a pixel still gets one: a buffer that filled must be seen.
      out.rects.push_back(DrawRect{x0, y_of(bytes), std::max(x1, x0 + 1.0f), bottom - 1, color, 0});
      last_open = true;
    };
    for (auto sample = first; sample != samples.end() && sample->time_ns < frame.viewport.end_ns; ++sample) {
      const float x = frame.viewport.x_of(sample->time_ns);
      emit(cursor_px, x, level);
      level = sample->value;
      cursor_px = x;
      ++out.spans_visited;
    }
    const std::uint64_t held_until = connection->closed_ns ? *connection->closed_ns : frame.now_ns;
    emit(cursor_px, frame.viewport.x_of(held_until), level);
  };
  plot(writer, colors::kWriterLevel);
  plot(reader, colors::kReaderLevel);

  if (connection->high_water_bytes > 0) {
    const float high_y = y_of(connection->high_water_bytes);
    const float low_y = y_of(connection->low_water_bytes);
    out.lines.push_back(DrawLine{left_px, high_y, right_px, high_y, colors::kHighWater, 1, false});
    out.lines.push_back(DrawLine{left_px, low_y, right_px, low_y, colors::kLowWater, 1, false});
    // Above its line, inside the lane; below the line when the lane has no room above it.
    const float line_px = frame.text_line_height_px;
    const float label_y = high_y - line_px >= top ? high_y - line_px : high_y + 1;
    if (label_y + line_px <= bottom + 1) {
      out.texts.push_back(DrawText{left_px + 4, label_y, right_px, colors::kHighWater,
                                   "high water " + format_bytes(connection->high_water_bytes)});
    }
  }

  // Cause and effect: the writer buffer reached low water, then the waiting drain() resumed.
  if (task_lane == nullptr) return;
  const float task_bottom = frame.lanes_top_px + task_lane->bottom_px();
  const float low_y = y_of(connection->low_water_bytes);
  constexpr std::size_t kMaxArrowsPerLane = 64;
  std::size_t arrows = 0;
  for (const model::DrainStall& stall : connection->drain_stalls) {
    if (stall.end_ns == model::kOpenEnd || stall.end_ns < frame.viewport.begin_ns) continue;
    if (stall.begin_ns > frame.viewport.end_ns || arrows == kMaxArrowsPerLane) break;
    const float x = frame.viewport.x_of(stall.end_ns);
    // Only when the stall is wide enough that the arrow explains something.
    if (x - frame.viewport.x_of(stall.begin_ns) < 12) continue;
    out.lines.push_back(DrawLine{x, low_y, x, task_bottom + 1, colors::kArrow, 1.5f, true});
    ++arrows;
  }
}

void TimelineBuilder::add_freeze_bands(const model::TraceModel& model, const TimelineFrame& frame, float top_px,
                                       float bottom_px, DrawList& out) {
  const float right_px = frame.viewport.left_px + frame.viewport.width_px;
  const auto& freezes = model.loop().freezes;
  for (std::size_t index = 0; index < freezes.size(); ++index) {
    const model::Freeze& freeze = freezes[index];
    const std::uint64_t end_ns = span_end(freeze.end_ns, frame.now_ns);
    if (end_ns < frame.viewport.begin_ns || freeze.begin_ns > frame.viewport.end_ns) continue;
    const float x0 = std::max(frame.viewport.x_of(freeze.begin_ns), frame.viewport.left_px);
    const float x1 = std::max(std::min(frame.viewport.x_of(end_ns), right_px), x0 + 2);
    out.bands.push_back(DrawRect{x0, top_px, x1, bottom_px, colors::kFreezeBand, 0});
    out.lines.push_back(DrawLine{x0, top_px, x0, bottom_px, colors::kFreezeEdge, 2, false});
    // The label stays inside its band: the longest wording that fits, never one cut mid-word
    // (the full story is in the tooltip and the loop health panel).
    const std::string duration = format_duration_ns(end_ns - freeze.begin_ns);
    std::string longest = (freeze.end_ns == model::kOpenEnd ? "loop frozen for " : "loop frozen ") + duration;
    const std::string& site = site_label(freeze.site);
    if (!site.empty()) longest += " in " + site;
    if (freeze.task != 0) longest += " (task " + std::to_string(freeze.task) + ")";
    const std::string wordings[] = {longest, "frozen " + duration, duration};
    // DejaVu Sans averages about half its line height per character.
    const float char_width_px = 0.52f * frame.text_line_height_px;
    const float room_px = x1 - x0 - 8;
    for (const std::string& wording : wordings) {
      if (static_cast<float>(wording.size()) * char_width_px > room_px) continue;
      out.texts.push_back(DrawText{x0 + 4, top_px + 2, x1 - 2, colors::kLightText, wording});
      break;
    }
  }
}

// Where a live lesson held its clients for the class (a question, a pause): what happens inside
// is the server alone, and the lesson step that follows sits at the band's right edge, on the
// events it narrates.
void TimelineBuilder::add_hold_bands(const model::TraceModel& model, const TimelineFrame& frame, float top_px,
                                     float bottom_px, DrawList& out) {
  const float right_px = frame.viewport.left_px + frame.viewport.width_px;
  for (const model::LessonHoldRecord& hold : model.lesson_holds()) {
    const std::uint64_t end_ns = hold.end_ns ? *hold.end_ns : frame.now_ns;
    if (end_ns < frame.viewport.begin_ns || hold.begin_ns > frame.viewport.end_ns) continue;
    const float x0 = std::max(frame.viewport.x_of(hold.begin_ns), frame.viewport.left_px);
    const float x1 = std::max(std::min(frame.viewport.x_of(end_ns), right_px), x0 + 2);
    out.bands.push_back(DrawRect{x0, top_px, x1, bottom_px, colors::kHeldBand, 0});
    out.lines.push_back(DrawLine{x0, top_px, x0, bottom_px, colors::kHeldEdge, 1, false});
    out.lines.push_back(DrawLine{x1, top_px, x1, bottom_px, colors::kHeldEdge, 1, false});
    const char* why = hold.reason == trace::HoldReason::Prediction ? "held for the class's answer" : "held (paused)";
    // Only inside the band: a narrow one shows no label rather than one over the lanes beside it.
    if (x1 - x0 > 6 * frame.text_line_height_px) {
      out.texts.push_back(DrawText{x0 + 4, top_px + 2 + frame.text_line_height_px, x1 - 4, colors::kHeldEdge,
                                   std::string(why) + " " + format_duration_ns(end_ns - hold.begin_ns),
                                   colors::kLabelBox});
    }
  }
}

namespace {

// A label starts just right of its line; near the canvas's right edge it ends at its line
// instead, so the last step of a run is labelled too.
// Right of its line if it fits, else left of it, but never over the lane names' column.
float label_left_px(float line_x, float width_px, float left_px, float right_px) {
  if (line_x + 3 + width_px <= right_px) return line_x + 3;
  return std::max(line_x - 3 - width_px, left_px);
}

}  // namespace

void TimelineBuilder::add_marks(const model::TraceModel& model, const TimelineFrame& frame, float top_px,
                                float bottom_px, DrawList& out) {
  const float right_px = frame.viewport.left_px + frame.viewport.width_px;
  const float line_px = frame.text_line_height_px;
  // In the strip below the lanes, steps on its first line and marks on its second (lessons
  // often place a mark at a step's moment); without one, in the lanes' last two lines.
  const bool strip = frame.annotations_top_px >= 0;
  const float steps_y = strip ? frame.annotations_top_px + 1 : bottom_px - 2 * line_px;
  const float marks_y = strip ? frame.annotations_top_px + 2 + line_px : bottom_px - line_px;
  const float lines_bottom_px = strip ? frame.annotations_top_px + annotations_height_px(line_px) : bottom_px;
  // Labels moments apart would stack into an unreadable smear: one that would reach over the
  // one before it on its line is left out (its line stays, and the tooltip names it).
  const float char_width_px = 0.52f * line_px;  // DejaVu Sans, on average
  float mark_free_from_px = -1e9f;
  for (const model::MarkRecord& mark : model.marks()) {
    if (mark.time_ns < frame.viewport.begin_ns || mark.time_ns > frame.viewport.end_ns) continue;
    const float x = frame.viewport.x_of(mark.time_ns);
    out.lines.push_back(DrawLine{x, top_px, x, lines_bottom_px, colors::kMark, 1, false});
    const float width_px = static_cast<float>(mark.text.size()) * char_width_px;
    const float label_x = label_left_px(x, width_px, frame.viewport.left_px, right_px);
    if (label_x < mark_free_from_px) continue;
    out.texts.push_back(DrawText{label_x, marks_y, right_px, colors::kMark, mark.text});
    mark_free_from_px = label_x + width_px + line_px;
  }
  // Lesson steps, so a replay shows where the narration changes, on a box so they read over
  // the lanes when there is no strip.
  const float step_label_width_px = 3.5f * line_px;  // "step 12" and a margin
  float step_free_from_px = -1e9f;
  for (const model::LessonStepRecord& step : model.lesson_steps()) {
    if (step.time_ns < frame.viewport.begin_ns || step.time_ns > frame.viewport.end_ns) continue;
    const float x = frame.viewport.x_of(step.time_ns);
    out.lines.push_back(DrawLine{x, top_px, x, lines_bottom_px, colors::kLessonStep, 1, false});
    const std::string text = "step " + std::to_string(step.step_index + 1);
    const float label_x = label_left_px(x, static_cast<float>(text.size()) * char_width_px, frame.viewport.left_px, right_px);
    if (label_x < step_free_from_px) continue;
    out.texts.push_back(DrawText{label_x, steps_y, right_px, colors::kLessonStep, text, colors::kLabelBox});
    step_free_from_px = label_x + step_label_width_px;
  }
}

}  // namespace loopscope::viz
