#pragma once
// Running totals over a trace as it grows: what `loopscope serve` prints once a second.
// Feed it each batch of newly drained events; it keeps only counters and one state per live
// task, so it can run for hours while the events themselves are discarded.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/model/duration_histogram.hpp"
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

// Durations as the events come, in fixed-size histograms: what `serve` prints when it stops.
struct SummaryHistograms {
  DurationHistogram callbacks;     // handler_invoked durations: the loop's busy time
  DurationHistogram drain_stalls;  // drain_stall_begin to drain_stall_end, per connection
  DurationHistogram read_waits;    // task_suspended in a read to its task_resumed
  DurationHistogram round_trips;   // client_reply values (scripted clients only)
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
  const SummaryHistograms& histograms() const { return histograms_; }

 private:
  void set_state(std::uint32_t task, TaskState state);
  void time_durations(const trace::TraceEvent& event);
  SummarySnapshot totals_;
  SummaryHistograms histograms_;
  std::unordered_map<std::uint32_t, TaskState> live_tasks_;
  // When each open wait began: one entry per task in a read, per connection in a stall.
  std::unordered_map<std::uint32_t, std::uint64_t> read_wait_began_ns_;
  std::unordered_map<std::uint32_t, std::uint64_t> stall_began_ns_;
};

// One line: "conns 2 (accepted 5, refused 0) | tasks run 0 read 2 drain 0 other 0 exited 3 | ..."
std::string format_summary_line(const SummarySnapshot& snapshot, std::uint64_t elapsed_s);

}  // namespace loopscope::model
