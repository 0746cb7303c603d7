#pragma once
// Running totals over a trace as it grows: what `loopscope serve` prints once a second.
// Feed it each batch of newly drained events; it keeps only counters and one state per live
// task, so it can run for hours while the events themselves are discarded.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/model/task_state.hpp"
#include "core/trace/trace_event.hpp"
#include "core/trace/trace_log.hpp"

namespace loopscope::model {


struct SummarySnapshot {
  std::uint64_t connections_open = 0;
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_refused = 0;
  std::uint64_t tasks_running = 0;
  std::uint64_t tasks_awaiting_read = 0;
  std::uint64_t tasks_awaiting_drain = 0;
  std::uint64_t tasks_awaiting_other = 0;
  std::uint64_t tasks_exited = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t drain_stalls = 0;
  std::uint64_t freezes = 0;
  std::uint64_t max_loop_lag_ns = 0;  // since the last take_interval()
  std::uint64_t dropped_events = 0;
};

class LiveSummary {
 public:
  // Consumes log.events[first_index, end).
  void consume(const trace::TraceLog& log, std::size_t first_index);
  void consume(const std::vector<trace::TraceEvent>& events);
  void consume_event(const trace::TraceEvent& event);

  // The totals now; the max-lag window restarts.
  SummarySnapshot take_interval();
  const SummarySnapshot& totals() const { return totals_; }

 private:
  void set_state(std::uint32_t task, TaskState state);
  SummarySnapshot totals_;
  std::unordered_map<std::uint32_t, TaskState> live_tasks_;
};

// One line: "conns 2 (accepted 5, refused 0) | tasks run 0 read 2 drain 0 other 0 exited 3 | ..."
std::string format_summary_line(const SummarySnapshot& snapshot, std::uint64_t elapsed_s);

}  // namespace loopscope::model
