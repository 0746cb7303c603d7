#pragma once
// The app's one key map: the same keys in the desktop layout, replays, comparisons and
// presentation mode, listed in docs/gui.md and shown in the app (the presentation footer, the
// Keys menu). Keys are read from the window's own queue of presses (GuiWindow), not from
// ImGui's per-frame key state, so a press and release inside one frame is never lost, and
// ImGui's keyboard navigation is off so no focused widget takes them.

#include <optional>
#include <string>
#include <vector>

namespace loopscope::viz {

enum class KeyCommand {
  PlayPause,           // Space
  Next,                // Right, Page Down (clickers send it): the next step, or event
  Previous,            // Left, Page Up
  Faster,              // + (=) and keypad +
  Slower,              // - and keypad -
  Reveal,              // P: the answer now
  LiveOrRecorded,      // R: switch a lesson between its live and its recorded run
  GoToStart,           // Home
  GoToEnd,             // End
  TogglePresentation,  // F11
  Leave,               // Escape: leave presentation mode
  NextWarning,         // W: jump to the next warning (docs/warnings.md); presentation shows it as the caption
};

struct KeyBinding {
  KeyCommand command;
  std::vector<int> glfw_keys;
  const char* keys_text;    // as printed in the docs and the app
  const char* action_text;
};

const std::vector<KeyBinding>& key_bindings();
std::optional<KeyCommand> command_for_key(int glfw_key);
const char* key_command_name(KeyCommand command);  // "play_pause", ... (the --report's names)
// One line for a footer: "Space play/pause   Left/Right step ...".
std::string key_map_line();

}  // namespace loopscope::viz
