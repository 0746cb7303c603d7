#pragma once
// Turns time-ordered intervals into rectangles for one lane, folding runs of intervals that
// are each narrower than a pixel into one counted block coloured by the category that took
// most of its time. Folding is what keeps a million-event trace drawable in a frame: the
// number of rectangles is bounded by the lane's width in pixels, not by the trace.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "viz/timeline/draw_list.hpp"
#include "viz/timeline/timeline_viewport.hpp"

namespace loopscope::viz {

class SpanFolder {
 public:
  static constexpr std::size_t kMaxCategories = 16;

  SpanFolder(const TimelineViewport& viewport, float top_px, float bottom_px,
             const std::array<PackedColor, kMaxCategories>& palette, std::vector<DrawRect>& out,
             float min_width_px = 1.0f);
  // Intervals must come in time order; parts outside the viewport are clipped.
  void add(std::uint64_t begin_ns, std::uint64_t end_ns, std::uint8_t category);
  // Folds a run of `count` consecutive intervals from begin_ns to end_ns, each narrower than
  // a pixel, that the caller summarised instead of visiting; `time_by_category` is their time
  // per category, so the block's colour is exact rather than sampled.
  void add_run(std::uint64_t begin_ns, std::uint64_t end_ns, std::uint32_t count,
               std::span<const std::uint64_t> time_by_category);
  void finish();  // emits the last pending fold
  // Counts intervals the caller skipped inside the pending fold (it jumped to the next pixel
  // instead of visiting each): they add to the block's count, not to its colour.
  void add_skipped(std::uint32_t count) {
    if (pending_.count > 0) pending_.count += count;
  }
  // The time at which the next pixel column starts after `time_ns`: a caller walking sub-pixel
  // intervals can jump straight there.
  std::uint64_t next_column_ns(std::uint64_t time_ns) const;

 private:
  struct Pending {
    float x0 = 0, x1 = 0;
    std::uint32_t count = 0;
    std::array<std::uint64_t, kMaxCategories> time_ns{};
  };
  void flush();

  const TimelineViewport& viewport_;
  PixelMapping mapping_;
  float top_px_, bottom_px_;
  const std::array<PackedColor, kMaxCategories>& palette_;
  std::vector<DrawRect>& out_;
  float min_width_px_;
  float right_px_;
  Pending pending_;
};

}  // namespace loopscope::viz
