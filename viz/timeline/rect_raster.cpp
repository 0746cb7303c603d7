#include "rect_raster.hpp"

#include <algorithm>
#include <cmath>

namespace loopscope::viz {

namespace {

// The first pixel (from `origin_px`) whose centre is at or past `edge_px`. Rasterisers snap
// vertices to 1/256 px first (llvmpipe does), so a rect edge a hair off a pixel centre lands
// where OpenGL puts it.
int first_centre_at_or_after(float edge_px, int origin_px) {
  const double snapped_px = std::round(static_cast<double>(edge_px) * 256.0) / 256.0;
  return static_cast<int>(std::ceil(snapped_px - origin_px - 0.5));
}

std::uint32_t channel(PackedColor color, int shift) { return (color >> shift) & 0xffu; }

// `over` blended onto `under` (source over, straight alpha), as sequential OpenGL blending
// onto an opaque background would end up.
PackedColor blend(PackedColor over, PackedColor under) {
  const std::uint32_t over_alpha = channel(over, 24);
  const std::uint32_t under_alpha = channel(under, 24);
  if (over_alpha == 255 || under_alpha == 0) return over;
  if (over_alpha == 0) return under;
  // Weights in 1/(255*255): the source's, and what shows of the destination through it.
  const std::uint32_t over_weight = over_alpha * 255;
  const std::uint32_t under_weight = under_alpha * (255 - over_alpha);
  const std::uint32_t total = over_weight + under_weight;
  PackedColor result = ((total + 127) / 255) << 24;
  for (const int shift : {0, 8, 16}) {
    const std::uint32_t mixed = (channel(over, shift) * over_weight + channel(under, shift) * under_weight + total / 2) / total;
    result |= mixed << shift;
  }
  return result;
}

bool same_rect(const DrawRect& a, const DrawRect& b) {
  return a.x0 == b.x0 && a.y0 == b.y0 && a.x1 == b.x1 && a.y1 == b.y1 && a.color == b.color &&
         a.folded_spans == b.folded_spans;
}

}  // namespace

DrawRect as_drawn(const DrawRect& rect) {
  if (rect.folded_spans == 0 || rect.x1 - rect.x0 < 3) return rect;
  DrawRect inset = rect;
  inset.y0 += 1;
  inset.y1 -= 1;
  inset.x1 -= 1;
  return inset;
}

bool RectRaster::paint(const std::vector<DrawRect>& rects, int left_px, int top_px, int width_px, int height_px) {
  width_px = std::max(width_px, 0);
  height_px = std::max(height_px, 0);
  const bool same_area = left_px == left_px_ && top_px == top_px_ && width_px == width_px_ && height_px == height_px_;
  if (same_area && std::equal(rects.begin(), rects.end(), painted_.begin(), painted_.end(), same_rect)) return false;
  left_px_ = left_px;
  top_px_ = top_px;
  width_px_ = width_px;
  height_px_ = height_px;
  pixels_.assign(static_cast<std::size_t>(width_px) * static_cast<std::size_t>(height_px), 0);
  for (const DrawRect& rect : rects) draw(as_drawn(rect));
  painted_ = rects;
  return true;
}

void RectRaster::draw(const DrawRect& rect) {
  const int column_begin = std::max(first_centre_at_or_after(rect.x0, left_px_), 0);
  const int column_end = std::min(first_centre_at_or_after(rect.x1, left_px_), width_px_);
  const int row_begin = std::max(first_centre_at_or_after(rect.y0, top_px_), 0);
  const int row_end = std::min(first_centre_at_or_after(rect.y1, top_px_), height_px_);
  if (column_begin >= column_end || row_begin >= row_end || channel(rect.color, 24) == 0) return;
  const bool opaque = channel(rect.color, 24) == 255;
  for (int row = row_begin; row < row_end; ++row) {
    PackedColor* line = pixels_.data() + static_cast<std::size_t>(row) * static_cast<std::size_t>(width_px_);
    if (opaque) {
      std::fill(line + column_begin, line + column_end, rect.color);
      continue;
    }
    for (int column = column_begin; column < column_end; ++column) line[column] = blend(rect.color, line[column]);
  }
}

}  // namespace loopscope::viz
