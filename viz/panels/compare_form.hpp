#pragma once
// The picker's "Compare two runs": two traces (file paths or built-in lesson names) and a button that opens them side
// by side on one time axis, as `loopscope compare A B` does.

#include <optional>
#include <string>

#include "viz/session/app_state.hpp"
#include "viz/session/session_launcher.hpp"

namespace loopscope::viz {

class CompareForm {
 public:
  // nullopt until the button is pressed; then "" when both runs opened, else the reason one
  // was refused (it names the run).
  std::optional<std::string> draw(AppState& state, SessionLauncher& launcher);

 private:
  std::string first_source_;
  std::string second_source_;
};

}  // namespace loopscope::viz
