#include "screenshot.hpp"

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace loopscope::viz {

void save_framebuffer_png(int width_px, int height_px, const std::string& path) {
  const int row_bytes = width_px * 3;
  std::vector<unsigned char> pixels(static_cast<std::size_t>(row_bytes) * static_cast<std::size_t>(height_px));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width_px, height_px, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's first row is the bottom one; PNG's is the top.
  std::vector<unsigned char> flipped(pixels.size());
  for (int row = 0; row < height_px; ++row) {
    std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(row) * row_bytes, row_bytes,
                flipped.begin() + static_cast<std::ptrdiff_t>(height_px - 1 - row) * row_bytes);
  }
  if (stbi_write_png(path.c_str(), width_px, height_px, 3, flipped.data(), row_bytes) == 0) {
    throw std::runtime_error("could not write the screenshot to " + path);
  }
}

}  // namespace loopscope::viz
