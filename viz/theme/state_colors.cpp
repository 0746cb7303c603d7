#include "state_colors.hpp"

namespace loopscope::viz {

PackedColor state_color(model::TaskState state) {
  using model::TaskState;
  switch (state) {
    case TaskState::Running: return pack_rgba(0, 158, 115);
    case TaskState::AwaitingRead: return pack_rgba(86, 180, 233);
    case TaskState::AwaitingDrain: return pack_rgba(230, 159, 0);
    case TaskState::AwaitingTimer: return pack_rgba(240, 228, 66);
    case TaskState::AwaitingWorker: return pack_rgba(0, 114, 178);
    case TaskState::AwaitingClose: return pack_rgba(150, 130, 180);
    case TaskState::AwaitingOther: return pack_rgba(204, 121, 167);
    case TaskState::Runnable: return pack_rgba(213, 94, 0);
    case TaskState::Exited: return pack_rgba(80, 80, 80);
  }
  return pack_rgba(255, 0, 255);
}

std::string_view state_legend_text(model::TaskState state) {
  using model::TaskState;
  switch (state) {
    case TaskState::Running: return "running on the loop";
    case TaskState::AwaitingRead: return "awaiting readline / read (client silent)";
    case TaskState::AwaitingDrain: return "awaiting drain (client not reading)";
    case TaskState::AwaitingTimer: return "awaiting a timer (sleep, deadline)";
    case TaskState::AwaitingWorker: return "awaiting a worker thread";
    case TaskState::AwaitingClose: return "awaiting wait_closed()";
    case TaskState::AwaitingOther: return "awaiting another task";
    case TaskState::Runnable: return "runnable: its bytes arrived, the loop is busy elsewhere";
    case TaskState::Exited: return "exited";
  }
  return "?";
}

}  // namespace loopscope::viz
