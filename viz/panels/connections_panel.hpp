#pragma once
// Every connection the server accepted, one row each: who it is (peer port), whether it is
// still open, what its handler task is doing right now, how much went each way, whether
// drain() is holding it, and how full its four buffers are against their limits, so the
// learner can see which connection is the slow one. Clicking a row selects its task. On a
// replay the rows are the connections as they stood at the replay time.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "viz/session/app_state.hpp"
#include "viz/panels/log_cursor.hpp"

namespace loopscope::viz {

class ConnectionsPanel {
 public:
  void draw(AppState& state);

 private:
  // SO_SNDBUF / SO_RCVBUF as the kernel reported them for one connection; 0 = not known.
  struct SocketBuffers {
    std::uint64_t send_bytes = 0;
    std::uint64_t receive_bytes = 0;
  };

  void learn_socket_buffers(const trace::TraceLog& log, bool live);
  void draw_kernel_hint(const model::TraceModel& model);
  void choose_rows(const model::TraceModel& model);
  void draw_row(AppState& state, const model::TraceModel& model, const trace::TraceLog& log,
                const model::ConnectionRecord& connection, std::uint64_t now_ns) const;

  bool hide_closed_ = false;
  bool hide_closed_chosen_ = false;  // once the learner has ticked or unticked it, it is theirs
  std::vector<const model::ConnectionRecord*> rows_;  // this frame's rows; kept to reuse the memory

  // The model keeps the writer's high water and the line limit, not the socket buffer sizes,
  // so they are read here from the BufferLimit events as the log grows (a live log) or once
  // (a loaded one, which never changes).
  const trace::TraceLog* log_seen_ = nullptr;
  LogCursor limits_cursor_;
  std::unordered_map<std::uint32_t, SocketBuffers> socket_buffers_;
};

}  // namespace loopscope::viz
