#include "gui_window.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <stdexcept>

#include "viz/app/fonts.hpp"

namespace loopscope::viz {

namespace {
std::string last_glfw_error() {
  const char* description = nullptr;
  glfwGetError(&description);
  return description != nullptr ? description : "unknown GLFW error";
}
}  // namespace

GuiWindow::GuiWindow(int width_px, int height_px, const std::string& title) {
  if (!glfwInit()) {
    throw std::runtime_error("cannot open a window (" + last_glfw_error() +
                             "). Is there a display? Without one, run `loopscope lesson NAME` headless, "
                             "or the app under xvfb-run.");
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  window_ = glfwCreateWindow(width_px, height_px, title.c_str(), nullptr, nullptr);
  if (window_ == nullptr) {
    const std::string reason = last_glfw_error();
    glfwTerminate();
    throw std::runtime_error("cannot create an OpenGL 3.0 window: " + reason);
  }
  glfwMakeContextCurrent(window_);
  // Installed before ImGui's backend, which keeps it and calls it first from its own callback.
  glfwSetWindowUserPointer(window_, this);
  glfwSetKeyCallback(window_, &GuiWindow::on_key);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is computed each frame; nothing to remember
  // No keyboard navigation: it moved the focus on Left/Right and pressed the focused button on
  // Space, where the classroom keys (viz/input/key_map.hpp) must mean the same thing every time.
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 130");
}

GuiWindow::~GuiWindow() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

void GuiWindow::on_key(GLFWwindow* window, int key, int /*scancode*/, int action, int /*mods*/) {
  auto* self = static_cast<GuiWindow*>(glfwGetWindowUserPointer(window));
  constexpr std::size_t kMaxQueuedKeys = 256;  // nobody presses more between two frames
  if (self != nullptr && action == GLFW_PRESS && self->pressed_keys_.size() < kMaxQueuedKeys) {
    self->pressed_keys_.push_back(key);
  }
}

std::vector<int> GuiWindow::take_pressed_keys() {
  std::vector<int> keys;
  keys.swap(pressed_keys_);
  return keys;
}

bool GuiWindow::should_close() const { return glfwWindowShouldClose(window_) != 0; }
void GuiWindow::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }
void GuiWindow::set_title(const std::string& title) { glfwSetWindowTitle(window_, title.c_str()); }

void GuiWindow::toggle_fullscreen() { set_fullscreen(!fullscreen_); }

std::string GuiWindow::rebuild_fonts(float size_px) {
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  std::string problem = load_fonts(size_px);
  ImGui_ImplOpenGL3_CreateFontsTexture();
  return problem;
}

void GuiWindow::set_fullscreen(bool fullscreen) {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  if (monitor == nullptr || fullscreen == fullscreen_) return;
  if (fullscreen) {
    glfwGetWindowPos(window_, &windowed_x_, &windowed_y_);
    glfwGetWindowSize(window_, &windowed_width_, &windowed_height_);
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    glfwSetWindowMonitor(window_, nullptr, windowed_x_, windowed_y_, windowed_width_, windowed_height_, 0);
  }
  fullscreen_ = fullscreen;
}

void GuiWindow::poll_events(double timeout_s) { glfwWaitEventsTimeout(timeout_s); }

void GuiWindow::begin_frame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void GuiWindow::finish_ui() { ImGui::Render(); }

void GuiWindow::render() {
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  glViewport(0, 0, width, height);
  // The clear colour is the window background, so the app's full-window ImGui window can skip
  // painting its own (one layer less for a software renderer to fill).
  const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(background.x, background.y, background.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void GuiWindow::present() { glfwSwapBuffers(window_); }

int GuiWindow::framebuffer_width() const {
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  return width;
}

int GuiWindow::framebuffer_height() const {
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  return height;
}

}  // namespace loopscope::viz
