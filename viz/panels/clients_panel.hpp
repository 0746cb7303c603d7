#pragma once
// Scripted clients on demand: pick a behaviour, set its knobs and a count, start a group; then
// watch each group's progress and reply latencies, and stop a group or all of them.

#include <array>
#include <string>

#include "scenarios/clients/client_spec.hpp"

namespace loopscope::viz {

struct AppState;

class ClientsPanel {
 public:
  ClientsPanel();
  void draw(AppState& state);

 private:
  void draw_launcher(AppState& state);
  void draw_groups(AppState& state);
  scenarios::ClientSpec spec_from_inputs() const;

  // The knobs as the widgets edit them (ImGui edits ints); spec_from_inputs() converts them.
  int behaviour_index_ = 0;
  int lines_ = 0;
  int line_bytes_ = 0;
  int think_ms_ = 0;
  int chunk_bytes_ = 0;
  int chunk_interval_ms_ = 0;
  int read_bytes_per_second_ = 0;
  bool set_receive_buffer_ = false;
  int receive_buffer_bytes_ = 4096;
  int stall_ms_ = 0;
  int abort_after_ms_ = 0;
  bool read_replies_ = true;
  int count_ = 1;
  std::array<char, 64> group_{};  // empty: the group is named after the behaviour
  std::string start_error_;       // why the last Start failed, shown until the next one works
};

}  // namespace loopscope::viz
