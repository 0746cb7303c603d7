#pragma once
// DejaVu Sans (text) and DejaVu Sans Mono (code), rasterised by FreeType so they stay sharp
// at any size. Fonts[0] is the text font, Fonts[1] the code font (the code panel relies on it).

#include <string>

namespace loopscope::viz {

// Returns an empty string when DejaVu was loaded, else why ImGui's built-in font is used.
std::string load_fonts(float size_px);

}  // namespace loopscope::viz
