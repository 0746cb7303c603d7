#pragma once
// A RectRaster's pixels as an OpenGL texture that ImGui draws as one quad (its OpenGL3 backend
// takes a texture name as ImTextureID). Nearest filtering: a texel is a screen pixel, unblurred.
// Needs the GUI's OpenGL context current, as everything that draws does.

#include <imgui.h>

#include "viz/timeline/rect_raster.hpp"

namespace loopscope::viz {

class LaneTexture {
 public:
  LaneTexture() = default;
  LaneTexture(const LaneTexture&) = delete;
  LaneTexture& operator=(const LaneTexture&) = delete;
  ~LaneTexture();

  // Copies the raster's pixels into the texture (reallocated when the size changes).
  void upload(const RectRaster& raster);
  // Draws the last upload where the raster was, 1:1.
  void draw(ImDrawList* draw, const RectRaster& raster) const;

 private:
  unsigned texture_ = 0;  // a GLuint; 0 until the first upload
  int width_px_ = 0, height_px_ = 0;
};

}  // namespace loopscope::viz
