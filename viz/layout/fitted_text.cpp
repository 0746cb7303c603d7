#include "fitted_text.hpp"

#include <cmath>

#include "viz/layout/layout_audit.hpp"

namespace loopscope::viz {

namespace {

constexpr std::string_view kEllipsis = "...";  // ASCII: the app's fonts hold no U+2026

ImVec2 text_size(ImFont* font, float font_size_px, std::string_view text) {
  // Measured and rounded exactly as ImGui::CalcTextSize does, so "fits" means the same to both.
  if (font == nullptr) font = ImGui::GetFont();
  if (font_size_px <= 0) font_size_px = ImGui::GetFontSize();
  ImVec2 size = font->CalcTextSizeA(font_size_px, FLT_MAX, -1.0f, text.data(), text.data() + text.size());
  size.x = std::floor(size.x + 0.99999f);
  return size;
}

// Does not split a UTF-8 sequence: a cut multi-byte character would draw as a box.
std::size_t previous_character_end(std::string_view text, std::size_t end) {
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end;
}

}  // namespace

std::string elided_to_width(std::string_view text, float width_px, ImFont* font, float font_size_px) {
  if (text_size(font, font_size_px, text).x <= width_px) return std::string(text);
  const float ellipsis_px = text_size(font, font_size_px, kEllipsis).x;
  if (ellipsis_px > width_px) return {};
  // Binary search on the prefix length: labels are short, but a frame draws hundreds.
  std::size_t fits = 0, too_long = text.size();
  while (too_long - fits > 1) {
    const std::size_t middle = (fits + too_long) / 2;
    if (text_size(font, font_size_px, text.substr(0, middle)).x + ellipsis_px <= width_px) fits = middle;
    else too_long = middle;
  }
  fits = previous_character_end(text, fits);
  std::string elided(text.substr(0, fits));
  while (!elided.empty() && elided.back() == ' ') elided.pop_back();  // "at ..." not "at  ..."
  if (elided.empty()) return std::string(kEllipsis);
  return elided + std::string(kEllipsis);
}

std::string fitting_text(const std::vector<std::string>& wordings, float width_px) {
  for (const std::string& wording : wordings) {
    if (ImGui::CalcTextSize(wording.c_str()).x <= width_px) return wording;
  }
  return wordings.empty() ? std::string() : elided_to_width(wordings.back(), width_px);
}

float draw_fitted_text(ImDrawList* draw_list, ImVec2 top_left, ImU32 color, std::string_view text,
                       const ScreenRect& bounds, ImFont* font, float font_size_px) {
  const std::string shown = elided_to_width(text, bounds.x1 - top_left.x, font, font_size_px);
  if (shown.empty()) return 0;
  const ImVec2 size = text_size(font, font_size_px, shown);
  draw_list->AddText(font, font_size_px, top_left, color, shown.c_str());
  note_drawn_text(shown, ScreenRect{top_left.x, top_left.y, top_left.x + size.x, top_left.y + size.y}, bounds);
  return size.x;
}

}  // namespace loopscope::viz
