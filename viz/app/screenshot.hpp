#pragma once
// Saves what the app drew (the current back buffer) as a PNG, for docs and the pixel tests.

#include <string>

namespace loopscope::viz {

// Throws std::runtime_error naming the path when the file cannot be written.
void save_framebuffer_png(int width_px, int height_px, const std::string& path);

}  // namespace loopscope::viz
