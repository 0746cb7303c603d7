#pragma once
// The lanes' rectangles painted into a pixel buffer on the CPU, for the widget to show as one
// textured quad. Under a software OpenGL (llvmpipe) each rectangle ImGui draws is two thin
// triangles, each shading every 4x4 pixel block it touches, so a canvas of small or low
// rectangles is shaded several times over; one quad the size of the canvas is shaded once.
// Measured with 100 lanes of 6 px at 1280x800: 8100 rects, 27 -> 14 ms CPU per frame.
//
// The pixels follow OpenGL's rules, so the picture is the one ImGui would have drawn: a pixel
// is covered when its centre is inside the rectangle, and a translucent colour blends over
// what is already there (source over).

#include <vector>

#include "viz/timeline/draw_list.hpp"

namespace loopscope::viz {

// How a rectangle is shown: a folded block is drawn 1 px short at the top, the bottom and the
// right, so whatever is behind it outlines it and adjacent blocks stay apart, at no cost. (It
// had a drawn outline, four anti-aliased lines over the fill: in a zoomed-out view, where each
// lane is one long folded block, that doubled the rasteriser's work, 31 -> 17 ms CPU a frame.)
DrawRect as_drawn(const DrawRect& rect);

class RectRaster {
 public:
  // Paints `rects` (as_drawn, in order) into the area at (left_px, top_px), of the given size
  // in pixels, transparent where none covers. Returns false, and keeps the pixels, when the
  // rects and the area are those of the last call: a paused or replayed view costs nothing.
  bool paint(const std::vector<DrawRect>& rects, int left_px, int top_px, int width_px, int height_px);

  int left_px() const { return left_px_; }
  int top_px() const { return top_px_; }
  int width_px() const { return width_px_; }
  int height_px() const { return height_px_; }
  // Rows from the top, each pixel a PackedColor: bytes R, G, B, A, as OpenGL's GL_RGBA.
  const std::vector<PackedColor>& pixels() const { return pixels_; }

 private:
  void draw(const DrawRect& rect);

  int left_px_ = 0, top_px_ = 0, width_px_ = 0, height_px_ = 0;
  std::vector<PackedColor> pixels_;
  std::vector<DrawRect> painted_;  // what the pixels show, to notice when nothing changed
};

}  // namespace loopscope::viz
