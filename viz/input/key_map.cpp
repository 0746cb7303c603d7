#include "key_map.hpp"

#include <GLFW/glfw3.h>

namespace loopscope::viz {

const std::vector<KeyBinding>& key_bindings() {
  static const std::vector<KeyBinding> bindings = {
      {KeyCommand::PlayPause, {GLFW_KEY_SPACE}, "Space", "play / pause"},
      {KeyCommand::Next, {GLFW_KEY_RIGHT, GLFW_KEY_PAGE_DOWN}, "Right, PageDown", "next step (a replay: next event)"},
      {KeyCommand::Previous, {GLFW_KEY_LEFT, GLFW_KEY_PAGE_UP}, "Left, PageUp", "previous step (a replay: previous event)"},
      {KeyCommand::Faster, {GLFW_KEY_EQUAL, GLFW_KEY_KP_ADD}, "+", "twice as fast"},
      {KeyCommand::Slower, {GLFW_KEY_MINUS, GLFW_KEY_KP_SUBTRACT}, "-", "half as fast"},
      {KeyCommand::Reveal, {GLFW_KEY_P}, "P", "reveal the answer"},
      {KeyCommand::LiveOrRecorded, {GLFW_KEY_R}, "R", "lesson: recorded run / live"},
      {KeyCommand::GoToStart, {GLFW_KEY_HOME}, "Home", "the start of the run"},
      {KeyCommand::GoToEnd, {GLFW_KEY_END}, "End", "now (a replay: its end)"},
      {KeyCommand::TogglePresentation, {GLFW_KEY_F11}, "F11", "presentation mode on / off"},
      {KeyCommand::Leave, {GLFW_KEY_ESCAPE}, "Esc", "leave presentation mode"},
      {KeyCommand::NextWarning, {GLFW_KEY_W}, "W", "next warning (jump to it)"},
  };
  return bindings;
}

std::optional<KeyCommand> command_for_key(int glfw_key) {
  for (const KeyBinding& binding : key_bindings()) {
    for (const int key : binding.glfw_keys) {
      if (key == glfw_key) return binding.command;
    }
  }
  return std::nullopt;
}

const char* key_command_name(KeyCommand command) {
  switch (command) {
    case KeyCommand::PlayPause: return "play_pause";
    case KeyCommand::Next: return "next";
    case KeyCommand::Previous: return "previous";
    case KeyCommand::Faster: return "faster";
    case KeyCommand::Slower: return "slower";
    case KeyCommand::Reveal: return "reveal";
    case KeyCommand::LiveOrRecorded: return "live_or_recorded";
    case KeyCommand::GoToStart: return "go_to_start";
    case KeyCommand::GoToEnd: return "go_to_end";
    case KeyCommand::TogglePresentation: return "toggle_presentation";
    case KeyCommand::Leave: return "leave";
    case KeyCommand::NextWarning: return "next_warning";
  }
  return "unknown";
}

std::string key_map_line() {
  return "Space pause   Left/Right step   +/- speed   P reveal   R live/recorded   W warning   Home/End   Esc";
}

}  // namespace loopscope::viz
