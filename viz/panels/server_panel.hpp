#pragma once
// The server's controls: how it serves (the event loop, a thread per connection or a pool),
// which handler new connections get, the writers' high- and low-water marks, socket buffer
// sizes, and a deliberate blocking call on the loop. Every control is a
// command posted to the loop, so the panel also shows how many are still waiting their turn.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace loopscope::scenarios {
class LiveSession;
}

namespace loopscope::viz {

struct AppState;

class ServerPanel {
 public:
  void draw(AppState& state);

 private:
  void follow_settings(const scenarios::LiveSession& session);
  void draw_address(const scenarios::LiveSession& session);
  void draw_asyncio_server(const scenarios::LiveSession& session);
  void draw_model(scenarios::LiveSession& session);
  void draw_process(const scenarios::LiveSession& session);
  void draw_handler(scenarios::LiveSession& session);
  void draw_write_limits(scenarios::LiveSession& session);
  void draw_socket_buffers(scenarios::LiveSession& session);
  void draw_blocking(scenarios::LiveSession& session);
  void draw_command_queue(const scenarios::LiveSession& session);

  // The session's settings as the edits last loaded them. When they change (a lesson step, an
  // Apply, a new session) the edits follow; in between, a learner's unapplied edits stay put.
  struct SeenSettings {
    std::string handler;
    std::size_t high_water_bytes = 0;
    std::size_t low_water_bytes = 0;
    std::optional<int> send_buffer_bytes;
    std::optional<int> receive_buffer_bytes;
  };
  // A new session reloads everything. Compared by address only, never dereferenced.
  const scenarios::LiveSession* seen_session_ = nullptr;
  SeenSettings seen_;

  int handler_index_ = 0;
  std::string handler_error_;
  std::string model_error_;
  std::uint64_t high_water_bytes_ = 64 * 1024;
  std::uint64_t low_water_bytes_ = 16 * 1024;
  bool send_buffer_kernel_default_ = true;
  int send_buffer_bytes_ = 64 * 1024;
  bool receive_buffer_kernel_default_ = true;
  int receive_buffer_bytes_ = 64 * 1024;
  int blocking_ms_ = 500;
};

}  // namespace loopscope::viz
