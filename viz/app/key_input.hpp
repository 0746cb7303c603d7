#pragma once
// Keyboard shortcuts read through ImGui 1.86, whose GLFW backend indexes KeysDown by GLFW key
// codes: a key is named by its GLFW_KEY_* value. Pressed means this frame, without repeat.

#include <GLFW/glfw3.h>
#include <imgui.h>

namespace loopscope::viz {

inline bool key_pressed(int glfw_key) { return ImGui::IsKeyPressed(glfw_key, false); }

}  // namespace loopscope::viz
