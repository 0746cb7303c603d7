#pragma once
// Which stretch of time the timeline shows and where on screen: the mapping between trace
// nanoseconds and pixels, plus the navigation a user does with it (wheel zoom around the
// cursor, drag to pan, follow-live, fit-all). No ImGui, so it is tested headless.

#include <cstdint>
#include <memory>

#include "viz/timeline/time_folds.hpp"

namespace loopscope::viz {

// The ns <-> px mapping with its scale computed once: the per-span hot loops call it hundreds
// of thousands of times a frame, and a division each time shows in the frame budget. With
// folds (held stretches drawn as thin markers) it maps through the shown time instead; without
// them, which is the usual case, it stays one multiply-add.
struct PixelMapping {
  double begin_ns = 0;   // the left edge: trace time, or shown time when folded
  double px_per_ns = 1;  // per trace ns, or per shown ns when folded
  double ns_per_px = 1;
  float left_px = 0;
  const TimeFolds* folds = nullptr;  // null: time at scale
  double marker_px = 0;              // the width of one folded stretch
  double begin_markers = 0;          // folded stretches left of the left edge

  float x_of(std::uint64_t time_ns) const {
    if (folds != nullptr) return folded_x_of(time_ns);
    return left_px + static_cast<float>((static_cast<double>(time_ns) - begin_ns) * px_per_ns);
  }
  std::uint64_t time_at(float x_px) const {
    if (folds != nullptr) return folded_time_at(x_px);
    const double time_ns = begin_ns + (static_cast<double>(x_px) - left_px) * ns_per_px;
    return time_ns <= 0 ? 0 : static_cast<std::uint64_t>(time_ns);
  }
  float folded_x_of(std::uint64_t time_ns) const;
  std::uint64_t folded_time_at(float x_px) const;
};

struct TimelineViewport {
  TimelineViewport() = default;
  TimelineViewport(std::uint64_t begin, std::uint64_t end, float left, float width)
      : begin_ns(begin), end_ns(end), left_px(left), width_px(width) {}

  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 1'000'000'000;
  float left_px = 0;     // screen x of begin_ns
  float width_px = 1000;
  std::shared_ptr<const TimeFolds> folds;  // null or empty: everything at scale
  float fold_marker_px = 6;                // a folded stretch's width (less when many are in view)

  bool folded() const { return folds != nullptr && !folds->empty(); }
  double px_per_ns() const { return mapping().px_per_ns; }  // per shown ns
  PixelMapping mapping() const;
  // Unclamped: times outside the range map outside [left_px, left_px + width_px]. For one-off
  // use; loops over many spans take mapping() once.
  float x_of(std::uint64_t time_ns) const { return mapping().x_of(time_ns); }
  std::uint64_t time_at(float x_px) const { return mapping().time_at(x_px); }
  std::uint64_t duration_ns() const { return end_ns - begin_ns; }
  // The trace time in view with the folded stretches taken out (all of it when none is).
  std::uint64_t shown_duration_ns() const {
    return folded() ? folds->shown_ns(end_ns) - folds->shown_ns(begin_ns) : duration_ns();
  }
  std::uint64_t shown_ns(std::uint64_t time_ns) const { return folded() ? folds->shown_ns(time_ns) : time_ns; }
  std::uint64_t time_of_shown(std::uint64_t shown) const { return folded() ? folds->time_of_shown(shown) : shown; }
};

class TimelineNavigation {
 public:
  static constexpr std::uint64_t kMinimumSpanNs = 2'000;              // 2 us across the screen
  static constexpr std::uint64_t kDefaultFollowSpanNs = 10'000'000'000;  // the last 10 s

  // Called once per frame with the trace's current end: in follow mode the view slides so
  // its right edge is "now".
  void update(std::uint64_t trace_end_ns, float left_px, float width_px);
  const TimelineViewport& viewport() const { return viewport_; }

  // Wheel steps > 0 zoom in around x_px (the time under the cursor stays put).
  void zoom_at(float x_px, float wheel_steps);
  void pan_by_px(float delta_px);  // drag right (positive) shows earlier time
  void fit_all(std::uint64_t trace_end_ns);
  void show_range(std::uint64_t begin_ns, std::uint64_t end_ns);
  void set_follow_live(bool follow);
  bool follow_live() const { return follow_live_; }
  // Stretches to draw as thin markers from the next update on (null: none). Zoom, pan and
  // follow-live then count shown time, so a minute held for the class does not eat the view.
  void set_folds(std::shared_ptr<const TimeFolds> folds) { viewport_.folds = std::move(folds); }

 private:
  TimelineViewport viewport_{0, kDefaultFollowSpanNs, 0, 1000};
  bool follow_live_ = true;
  std::uint64_t trace_end_ns_ = 0;
  // How much shown time follow-live keeps in view. Kept apart from the viewport: a hold that
  // grows while live would otherwise shrink the window frame by frame.
  std::uint64_t follow_span_ns_ = kDefaultFollowSpanNs;
};

}  // namespace loopscope::viz
