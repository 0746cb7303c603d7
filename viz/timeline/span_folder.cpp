#include "span_folder.hpp"

#include <algorithm>
#include <cmath>

namespace loopscope::viz {

SpanFolder::SpanFolder(const TimelineViewport& viewport, float top_px, float bottom_px,
                       const std::array<PackedColor, kMaxCategories>& palette, std::vector<DrawRect>& out,
                       float min_width_px)
    : viewport_(viewport),
      mapping_(viewport.mapping()),
      top_px_(top_px),
      bottom_px_(bottom_px),
      palette_(palette),
      out_(out),
      min_width_px_(min_width_px),
      right_px_(viewport.left_px + viewport.width_px) {}

void SpanFolder::add(std::uint64_t begin_ns, std::uint64_t end_ns, std::uint8_t category) {
  if (end_ns <= viewport_.begin_ns || begin_ns >= viewport_.end_ns || category >= kMaxCategories) return;
  const float x0 = std::max(mapping_.x_of(begin_ns), viewport_.left_px);
  const float x1 = std::min(mapping_.x_of(end_ns), right_px_);
  if (x1 - x0 >= min_width_px_) {
    flush();
    out_.push_back(DrawRect{x0, top_px_, x1, bottom_px_, palette_[category], 0});
    return;
  }
  // A visible gap (idle time between loop handlers) ends a fold: folding across it would
  // paint idle time as busy.
  if (pending_.count > 0 && x0 - pending_.x1 > min_width_px_) flush();
  if (pending_.count == 0) pending_.x0 = x0;
  pending_.x1 = std::max(pending_.x1, x1);
  pending_.count += 1;
  pending_.time_ns[category] += end_ns - begin_ns;
}

void SpanFolder::add_run(std::uint64_t begin_ns, std::uint64_t end_ns, std::uint32_t count,
                         std::span<const std::uint64_t> time_by_category) {
  if (count == 0 || end_ns <= viewport_.begin_ns || begin_ns >= viewport_.end_ns) return;
  const float x0 = std::max(mapping_.x_of(begin_ns), viewport_.left_px);
  const float x1 = std::min(mapping_.x_of(end_ns), right_px_);
  // The same rule as add(): a visible gap ends the pending fold.
  if (pending_.count > 0 && x0 - pending_.x1 > min_width_px_) flush();
  if (pending_.count == 0) pending_.x0 = x0;
  pending_.x1 = std::max(pending_.x1, x1);
  pending_.count += count;
  const std::size_t categories = std::min(time_by_category.size(), kMaxCategories);
  for (std::size_t category = 0; category < categories; ++category) pending_.time_ns[category] += time_by_category[category];
}

void SpanFolder::flush() {
  if (pending_.count == 0) return;
  const auto dominant = std::max_element(pending_.time_ns.begin(), pending_.time_ns.end()) - pending_.time_ns.begin();
  // Never thinner than a pixel: a folded block is there to be seen.
  const float x1 = std::max(pending_.x1, pending_.x0 + min_width_px_);
  out_.push_back(DrawRect{pending_.x0, top_px_, x1, bottom_px_, palette_[static_cast<std::size_t>(dominant)],
                          pending_.count > 1 ? pending_.count : 0});
  pending_ = Pending{};
}

void SpanFolder::finish() { flush(); }

std::uint64_t SpanFolder::next_column_ns(std::uint64_t time_ns) const {
  const float column_end_px = std::floor(mapping_.x_of(time_ns)) + min_width_px_;
  return std::max(mapping_.time_at(column_end_px), time_ns + 1);
}

}  // namespace loopscope::viz
