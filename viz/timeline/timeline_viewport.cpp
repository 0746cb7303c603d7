#include "timeline_viewport.hpp"

#include <algorithm>
#include <cmath>

namespace loopscope::viz {

float PixelMapping::folded_x_of(std::uint64_t time_ns) const {
  const double shown = static_cast<double>(folds->shown_ns(time_ns));
  return left_px + static_cast<float>((shown - begin_ns) * px_per_ns + (folds->markers_before(time_ns) - begin_markers) * marker_px);
}

std::uint64_t PixelMapping::folded_time_at(float x_px) const {
  // x_of is monotonic: bisect on trace time (only for the pointer and the ruler, not per span).
  std::uint64_t low = 0, high = std::uint64_t{1} << 62;
  if (folded_x_of(low) >= x_px) return 0;
  while (high - low > 1) {
    const std::uint64_t middle = low + (high - low) / 2;
    if (folded_x_of(middle) < x_px) low = middle;
    else high = middle;
  }
  return high;
}

PixelMapping TimelineViewport::mapping() const {
  const double span_ns = static_cast<double>(end_ns > begin_ns ? end_ns - begin_ns : 1);
  if (!folded()) {
    const double scale = width_px / span_ns;
    PixelMapping mapping;
    mapping.begin_ns = static_cast<double>(begin_ns);
    mapping.px_per_ns = scale;
    mapping.ns_per_px = 1.0 / scale;
    mapping.left_px = left_px;
    return mapping;
  }
  const double markers = folds->markers_before(end_ns) - folds->markers_before(begin_ns);
  // The markers may take at most a quarter of the width, however many are in view.
  const double marker_px = markers > 0 ? std::min<double>(fold_marker_px, 0.25 * width_px / markers) : 0.0;
  const double shown_span = std::max(1.0, static_cast<double>(shown_duration_ns()));
  const double scale = (width_px - markers * marker_px) / shown_span;
  PixelMapping mapping;
  mapping.begin_ns = static_cast<double>(folds->shown_ns(begin_ns));
  mapping.px_per_ns = scale;
  mapping.ns_per_px = 1.0 / scale;
  mapping.left_px = left_px;
  mapping.folds = folds.get();
  mapping.marker_px = marker_px;
  mapping.begin_markers = folds->markers_before(begin_ns);
  return mapping;
}

void TimelineNavigation::update(std::uint64_t trace_end_ns, float left_px, float width_px) {
  trace_end_ns_ = trace_end_ns;
  viewport_.left_px = left_px;
  viewport_.width_px = std::max(width_px, 1.0f);
  if (follow_live_) {
    // The same amount of shown time, ending now: held stretches folded away do not count.
    const std::uint64_t span_ns = follow_span_ns_;
    viewport_.end_ns = std::max(trace_end_ns, viewport_.time_of_shown(span_ns));
    const std::uint64_t end_shown_ns = viewport_.shown_ns(viewport_.end_ns);
    viewport_.begin_ns = viewport_.time_of_shown(end_shown_ns > span_ns ? end_shown_ns - span_ns : 0);
  }
}

void TimelineNavigation::zoom_at(float x_px, float wheel_steps) {
  // In shown time, so zooming over a folded stretch behaves as over any other.
  const double pivot = static_cast<double>(viewport_.shown_ns(viewport_.time_at(x_px)));
  const double factor = std::pow(0.8, static_cast<double>(wheel_steps));
  const double begin_shown = static_cast<double>(viewport_.shown_ns(viewport_.begin_ns));
  const double old_span = std::max(1.0, static_cast<double>(viewport_.shown_duration_ns()));
  const double new_span = std::clamp(old_span * factor, static_cast<double>(kMinimumSpanNs), 1e15);
  // Keep the pivot at the same screen x.
  const double pivot_share = (pivot - begin_shown) / old_span;
  const double begin = std::max(0.0, pivot - pivot_share * new_span);
  viewport_.begin_ns = viewport_.time_of_shown(static_cast<std::uint64_t>(begin));
  viewport_.end_ns = viewport_.time_of_shown(static_cast<std::uint64_t>(begin) + static_cast<std::uint64_t>(new_span));
  follow_span_ns_ = static_cast<std::uint64_t>(new_span);
  // Zooming in while following keeps following only if "now" stays on screen.
  if (follow_live_ && viewport_.end_ns < trace_end_ns_) follow_live_ = false;
}

void TimelineNavigation::pan_by_px(float delta_px) {
  if (delta_px == 0) return;
  const double delta_ns = static_cast<double>(delta_px) / viewport_.px_per_ns();
  const std::uint64_t span_ns = viewport_.shown_duration_ns();
  const double begin = std::max(0.0, static_cast<double>(viewport_.shown_ns(viewport_.begin_ns)) - delta_ns);
  viewport_.begin_ns = viewport_.time_of_shown(static_cast<std::uint64_t>(begin));
  viewport_.end_ns = viewport_.time_of_shown(static_cast<std::uint64_t>(begin) + span_ns);
  follow_live_ = false;  // a user who drags wants to look at that moment
}

void TimelineNavigation::fit_all(std::uint64_t trace_end_ns) {
  viewport_.begin_ns = 0;
  // A little room on the right so the newest span is not cut by the edge.
  viewport_.end_ns = std::max<std::uint64_t>(trace_end_ns + trace_end_ns / 50, kMinimumSpanNs);
  follow_span_ns_ = std::max(viewport_.shown_duration_ns(), kMinimumSpanNs);
  follow_live_ = false;
}

void TimelineNavigation::show_range(std::uint64_t begin_ns, std::uint64_t end_ns) {
  viewport_.begin_ns = begin_ns;
  viewport_.end_ns = std::max(end_ns, begin_ns + kMinimumSpanNs);
  follow_span_ns_ = std::max(viewport_.shown_duration_ns(), kMinimumSpanNs);
  follow_live_ = false;
}

void TimelineNavigation::set_follow_live(bool follow) {
  if (follow && !follow_live_ && follow_span_ns_ > kDefaultFollowSpanNs * 6) {
    viewport_.begin_ns = 0;
    viewport_.end_ns = kDefaultFollowSpanNs;  // after fit-all on a long run, follow a readable window
    follow_span_ns_ = kDefaultFollowSpanNs;
  }
  follow_live_ = follow;
}

}  // namespace loopscope::viz
