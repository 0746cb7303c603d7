#include "fonts.hpp"

#include <imgui.h>
#include <imgui_freetype.h>

#include <filesystem>

namespace loopscope::viz {

namespace {
constexpr const char* kFontDirectory = "/usr/share/fonts/truetype/dejavu/";
}

std::string load_fonts(float size_px) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  io.Fonts->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
  const std::string sans = std::string(kFontDirectory) + "DejaVuSans.ttf";
  const std::string mono = std::string(kFontDirectory) + "DejaVuSansMono.ttf";
  std::string problem;
  if (std::filesystem::exists(sans) && std::filesystem::exists(mono)) {
    io.Fonts->AddFontFromFileTTF(sans.c_str(), size_px);
    io.Fonts->AddFontFromFileTTF(mono.c_str(), size_px);
  } else {
    problem = "DejaVu fonts not found in " + std::string(kFontDirectory) +
              " (install fonts-dejavu-core); using ImGui's built-in font";
    ImFontConfig config;
    config.SizePixels = size_px;
    io.Fonts->AddFontDefault(&config);
    io.Fonts->AddFontDefault(&config);
  }
  io.Fonts->Build();
  return problem;
}

}  // namespace loopscope::viz
