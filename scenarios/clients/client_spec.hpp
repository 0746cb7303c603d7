#pragma once
// What one scripted client does: a behaviour name and its knobs. Lesson files fill these in;
// every knob has a default that makes the behaviour visible at human speed.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace loopscope::scenarios {

struct ClientSpec {
  std::string behaviour = "fast";  // one of client_behaviour_names()
  std::string group = "clients";   // lessons start, stop and check clients by group
  int lines = 5;                   // requests (or chat messages) to send; 0 = until stopped
  std::size_t line_bytes = 16;     // length of each line, newline included
  std::chrono::milliseconds think{100};            // fast, chat_member: pause between lines
  std::size_t chunk_bytes = 3;                     // trickle: bytes per piece
  std::chrono::milliseconds chunk_interval{150};   // trickle: pause between pieces
  std::size_t read_bytes_per_second = 16 * 1024;   // slow_reader
  std::optional<int> receive_buffer_bytes;         // SO_RCVBUF before connecting (slow/stalled readers)
  std::chrono::milliseconds stall{0};              // stalled_reader: how long it stops reading; 0 = until stopped
  std::chrono::milliseconds abort_after{200};      // abrupt: connected time before the reset
  bool read_replies = true;                        // chat_member: false makes a member who never reads
};

struct ClientBehaviourInfo {
  std::string name;
  std::string summary;
};

const std::vector<ClientBehaviourInfo>& client_behaviours();
bool is_client_behaviour(const std::string& name);

}  // namespace loopscope::scenarios
