#pragma once
// Which stretch of time the timeline shows and where on screen: the mapping between trace
// nanoseconds and pixels, plus the navigation a user does with it (wheel zoom around the
// cursor, drag to pan, follow-live, fit-all). No ImGui, so it is tested headless.

#include <cstdint>

namespace loopscope::viz {

// The ns <-> px mapping with its scale computed once: the per-span hot loops call it hundreds
// of thousands of times a frame, and a division each time shows in the frame budget.
struct PixelMapping {
  double begin_ns = 0;
  double px_per_ns = 1;
  double ns_per_px = 1;
  float left_px = 0;
  float x_of(std::uint64_t time_ns) const {
    return left_px + static_cast<float>((static_cast<double>(time_ns) - begin_ns) * px_per_ns);
  }
  std::uint64_t time_at(float x_px) const {
    const double time_ns = begin_ns + (static_cast<double>(x_px) - left_px) * ns_per_px;
    return time_ns <= 0 ? 0 : static_cast<std::uint64_t>(time_ns);
  }
};

struct TimelineViewport {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 1'000'000'000;
  float left_px = 0;     // screen x of begin_ns
  float width_px = 1000;

  double px_per_ns() const { return width_px / static_cast<double>(end_ns > begin_ns ? end_ns - begin_ns : 1); }
  PixelMapping mapping() const {
    const double scale = px_per_ns();
    return PixelMapping{static_cast<double>(begin_ns), scale, 1.0 / scale, left_px};
  }
  // Unclamped: times outside the range map outside [left_px, left_px + width_px]. For one-off
  // use; loops over many spans take mapping() once.
  float x_of(std::uint64_t time_ns) const { return mapping().x_of(time_ns); }
  std::uint64_t time_at(float x_px) const { return mapping().time_at(x_px); }
  std::uint64_t duration_ns() const { return end_ns - begin_ns; }
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

 private:
  TimelineViewport viewport_{0, kDefaultFollowSpanNs, 0, 1000};
  bool follow_live_ = true;
  std::uint64_t trace_end_ns_ = 0;
};

}  // namespace loopscope::viz
