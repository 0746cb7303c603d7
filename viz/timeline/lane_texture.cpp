#include "lane_texture.hpp"

#include <GLFW/glfw3.h>

#include <cstdint>

namespace loopscope::viz {

LaneTexture::~LaneTexture() {
  // The app destroys its window (and the context with it) after its widgets; should that ever
  // change, the texture goes with the context rather than through a call without one.
  if (texture_ != 0 && glfwGetCurrentContext() != nullptr) glDeleteTextures(1, &texture_);
}

void LaneTexture::upload(const RectRaster& raster) {
  if (raster.width_px() == 0 || raster.height_px() == 0) return;
  GLint previous = 0;  // ImGui's renderer binds its own textures, but leave the state as found
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  if (texture_ == 0) glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  if (raster.width_px() != width_px_ || raster.height_px() != height_px_) {
    width_px_ = raster.width_px();
    height_px_ = raster.height_px();
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width_px_, height_px_, 0, GL_RGBA, GL_UNSIGNED_BYTE, raster.pixels().data());
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width_px_, height_px_, GL_RGBA, GL_UNSIGNED_BYTE, raster.pixels().data());
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
}

void LaneTexture::draw(ImDrawList* draw, const RectRaster& raster) const {
  if (texture_ == 0 || raster.width_px() == 0 || raster.height_px() == 0) return;
  const auto left = static_cast<float>(raster.left_px());
  const auto top = static_cast<float>(raster.top_px());
  draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture_)), ImVec2(left, top),
                 ImVec2(left + static_cast<float>(raster.width_px()), top + static_cast<float>(raster.height_px())));
}

}  // namespace loopscope::viz
