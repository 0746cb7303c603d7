#pragma once
// The OS window and the ImGui context around it: GLFW + OpenGL 3 + ImGui's GLFW and OpenGL3
// backends, created together and torn down in reverse. Construction throws
// std::runtime_error with a readable reason (no display, no OpenGL 3.0 context).

#include <string>
#include <vector>

struct GLFWwindow;

namespace loopscope::viz {

class GuiWindow {
 public:
  GuiWindow(int width_px, int height_px, const std::string& title);
  GuiWindow(const GuiWindow&) = delete;
  GuiWindow& operator=(const GuiWindow&) = delete;
  ~GuiWindow();

  bool should_close() const;
  void request_close();
  void set_title(const std::string& title);
  void toggle_fullscreen();
  void set_fullscreen(bool fullscreen);
  bool fullscreen() const { return fullscreen_; }
  // Reloads the fonts at a new size and uploads the atlas again. Between frames only.
  std::string rebuild_fonts(float size_px);
  // Waits for input at most `timeout_s` (live views redraw at least this often).
  void poll_events(double timeout_s);
  void begin_frame();
  void end_frame() {  // finishes the UI and renders it into the back buffer (not yet shown)
    finish_ui();
    render();
  }
  void finish_ui();  // ImGui::Render(): the end of the CPU-side UI build
  void render();     // OpenGL: draws the finished UI into the back buffer
  void present();    // swaps the buffers
  int framebuffer_width() const;
  int framebuffer_height() const;
  GLFWwindow* handle() const { return window_; }
  // Every key pressed since the last call (GLFW key codes, in order, repeats left out). ImGui
  // 1.86 sees only whether a key is down when a frame starts, so a quick tap can fall between
  // two frames; this queue is filled by the key callback itself and loses nothing.
  std::vector<int> take_pressed_keys();

 private:
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);

  std::vector<int> pressed_keys_;
  GLFWwindow* window_ = nullptr;
  bool fullscreen_ = false;
  int windowed_x_ = 0, windowed_y_ = 0, windowed_width_ = 0, windowed_height_ = 0;
};

}  // namespace loopscope::viz
