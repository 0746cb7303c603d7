#include "timeline_viewport.hpp"

#include <algorithm>
#include <cmath>

namespace loopscope::viz {

void TimelineNavigation::update(std::uint64_t trace_end_ns, float left_px, float width_px) {
  trace_end_ns_ = trace_end_ns;
  viewport_.left_px = left_px;
  viewport_.width_px = std::max(width_px, 1.0f);
  if (follow_live_) {
    const std::uint64_t span_ns = viewport_.duration_ns();
    viewport_.end_ns = std::max(trace_end_ns, span_ns);
    viewport_.begin_ns = viewport_.end_ns - span_ns;
  }
}

void TimelineNavigation::zoom_at(float x_px, float wheel_steps) {
  const std::uint64_t pivot_ns = viewport_.time_at(x_px);
  const double factor = std::pow(0.8, static_cast<double>(wheel_steps));
  const double old_span = static_cast<double>(viewport_.duration_ns());
  const double new_span = std::clamp(old_span * factor, static_cast<double>(kMinimumSpanNs), 1e15);
  // Keep the pivot at the same screen x.
  const double pivot_share = (static_cast<double>(pivot_ns) - static_cast<double>(viewport_.begin_ns)) / old_span;
  const double begin = std::max(0.0, static_cast<double>(pivot_ns) - pivot_share * new_span);
  viewport_.begin_ns = static_cast<std::uint64_t>(begin);
  viewport_.end_ns = viewport_.begin_ns + static_cast<std::uint64_t>(new_span);
  // Zooming in while following keeps following only if "now" stays on screen.
  if (follow_live_ && viewport_.end_ns < trace_end_ns_) follow_live_ = false;
}

void TimelineNavigation::pan_by_px(float delta_px) {
  if (delta_px == 0) return;
  const double delta_ns = static_cast<double>(delta_px) / viewport_.px_per_ns();
  const std::uint64_t span_ns = viewport_.duration_ns();
  const double begin = std::max(0.0, static_cast<double>(viewport_.begin_ns) - delta_ns);
  viewport_.begin_ns = static_cast<std::uint64_t>(begin);
  viewport_.end_ns = viewport_.begin_ns + span_ns;
  follow_live_ = false;  // a user who drags wants to look at that moment
}

void TimelineNavigation::fit_all(std::uint64_t trace_end_ns) {
  viewport_.begin_ns = 0;
  // A little room on the right so the newest span is not cut by the edge.
  viewport_.end_ns = std::max<std::uint64_t>(trace_end_ns + trace_end_ns / 50, kMinimumSpanNs);
  follow_live_ = false;
}

void TimelineNavigation::show_range(std::uint64_t begin_ns, std::uint64_t end_ns) {
  viewport_.begin_ns = begin_ns;
  viewport_.end_ns = std::max(end_ns, begin_ns + kMinimumSpanNs);
  follow_live_ = false;
}

void TimelineNavigation::set_follow_live(bool follow) {
  if (follow && !follow_live_ && viewport_.duration_ns() > kDefaultFollowSpanNs * 6) {
    viewport_.begin_ns = 0;
    viewport_.end_ns = kDefaultFollowSpanNs;  // after fit-all on a long run, follow a readable window
  }
  follow_live_ = follow;
}

}  // namespace loopscope::viz
