#pragma once
// The mistakes Loopscope found in what is shown (docs/warnings.md): one row per warning with
// its moment, kind and message. A click jumps the timeline to the moment and selects the task;
// hovering says why it matters and what to do instead.

#include "viz/session/app_state.hpp"

namespace loopscope::viz {

class WarningsPanel {
 public:
  void draw(AppState& state);
};

}  // namespace loopscope::viz
