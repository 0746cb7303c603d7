#include "live_summary.hpp"

#include <cstdio>

namespace loopscope::model {

using trace::AwaitKind;
using trace::EventKind;

namespace {
std::uint64_t& counter_for(SummarySnapshot& totals, TaskState state) {
  switch (state) {
    case TaskState::Running: return totals.tasks_running;
    case TaskState::AwaitingRead: return totals.tasks_awaiting_read;
    case TaskState::AwaitingDrain: return totals.tasks_awaiting_drain;
    default: break;  // timers, workers, wait_closed: "other" in the one-line summary
  }
  return totals.tasks_awaiting_other;
}

// One decimal even in KiB, unlike model::format_bytes: the once-a-second line is read for
// small changes from one second to the next.
std::string human_bytes(std::uint64_t bytes) {
  char text[32];
  if (bytes < 1024) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return text;
}
}  // namespace

void LiveSummary::set_state(std::uint32_t task, TaskState state) {
  auto [entry, inserted] = live_tasks_.try_emplace(task, state);
  if (!inserted) --counter_for(totals_, entry->second);
  entry->second = state;
  ++counter_for(totals_, state);
}

namespace {
bool is_read(AwaitKind kind) {
  return kind == AwaitKind::Readline || kind == AwaitKind::Read || kind == AwaitKind::ReadExactly ||
         kind == AwaitKind::ReadUntil;
}
}  // namespace

void LiveSummary::time_durations(const trace::TraceEvent& event) {
  switch (event.kind) {
    case EventKind::HandlerInvoked: histograms_.callbacks.add(event.value); break;
    case EventKind::ClientReply: histograms_.round_trips.add(event.value); break;
    case EventKind::TaskSuspended:
      if (is_read(event.detail_as<AwaitKind>())) read_wait_began_ns_[event.subject_id] = event.time_ns;
      break;
    case EventKind::TaskResumed:
    case EventKind::TaskExited:
      if (const auto began = read_wait_began_ns_.find(event.subject_id); began != read_wait_began_ns_.end()) {
        if (event.time_ns >= began->second) histograms_.read_waits.add(event.time_ns - began->second);
        read_wait_began_ns_.erase(began);
      }
      break;
    case EventKind::DrainStallBegin: stall_began_ns_[event.subject_id] = event.time_ns; break;
    case EventKind::DrainStallEnd:
    case EventKind::ConnectionClosed:
      if (const auto began = stall_began_ns_.find(event.subject_id); began != stall_began_ns_.end()) {
        if (event.time_ns >= began->second) histograms_.drain_stalls.add(event.time_ns - began->second);
        stall_began_ns_.erase(began);
      }
      break;
    default: break;
  }
}

void LiveSummary::consume_event(const trace::TraceEvent& event) {
  time_durations(event);
  switch (event.kind) {
    case EventKind::ConnectionAccepted:
      ++totals_.connections_accepted;
      ++totals_.connections_open;
      break;
    case EventKind::ConnectionRefused: ++totals_.connections_refused; break;
    case EventKind::ConnectionClosed:
      if (totals_.connections_open > 0) --totals_.connections_open;
      break;
    case EventKind::TaskSpawned:
    case EventKind::TaskResumed: set_state(event.subject_id, TaskState::Running); break;
    case EventKind::TaskSuspended: set_state(event.subject_id, state_for_await(event.detail_as<AwaitKind>())); break;
    case EventKind::TaskExited:
      if (const auto found = live_tasks_.find(event.subject_id); found != live_tasks_.end()) {
        --counter_for(totals_, found->second);
        live_tasks_.erase(found);
      }
      ++totals_.tasks_exited;
      break;
    case EventKind::BytesReceived: totals_.bytes_in += event.value; break;
    case EventKind::BytesSent: totals_.bytes_out += event.value; break;
    case EventKind::DrainStallBegin: ++totals_.drain_stalls; break;
    case EventKind::FreezeBegin: ++totals_.freezes; break;
    case EventKind::LoopLag:
      if (event.value > totals_.max_loop_lag_ns) totals_.max_loop_lag_ns = event.value;
      break;
    case EventKind::FreezeEnd:
      // A freeze is lag too, even when no heartbeat was due inside it.
      if (event.value > totals_.max_loop_lag_ns) totals_.max_loop_lag_ns = event.value;
      break;
    case EventKind::EventsDropped: totals_.dropped_events += event.value; break;
    default: break;
  }
}

void LiveSummary::consume(const trace::TraceLog& log, std::size_t first_index) {
  for (std::size_t index = first_index; index < log.events.size(); ++index) consume_event(log.events[index]);
}

void LiveSummary::consume(const std::vector<trace::TraceEvent>& events) {
  for (const auto& event : events) consume_event(event);
}

SummarySnapshot LiveSummary::take_interval() {
  SummarySnapshot snapshot = totals_;
  totals_.max_loop_lag_ns = 0;
  return snapshot;
}

std::string format_summary_line(const SummarySnapshot& s, std::uint64_t elapsed_s) {
  char line[512];
  std::snprintf(line, sizeof line,
                "[%llus] connections %llu open (%llu accepted, %llu refused) | tasks: %llu running, "
                "%llu awaiting read, %llu awaiting drain, %llu awaiting other, %llu exited | "
                "in %s, out %s | drain stalls %llu | freezes %llu | max loop lag %.1f ms | dropped events %llu",
                static_cast<unsigned long long>(elapsed_s), static_cast<unsigned long long>(s.connections_open),
                static_cast<unsigned long long>(s.connections_accepted),
                static_cast<unsigned long long>(s.connections_refused),
                static_cast<unsigned long long>(s.tasks_running),
                static_cast<unsigned long long>(s.tasks_awaiting_read),
                static_cast<unsigned long long>(s.tasks_awaiting_drain),
                static_cast<unsigned long long>(s.tasks_awaiting_other),
                static_cast<unsigned long long>(s.tasks_exited), human_bytes(s.bytes_in).c_str(),
                human_bytes(s.bytes_out).c_str(), static_cast<unsigned long long>(s.drain_stalls),
                static_cast<unsigned long long>(s.freezes), static_cast<double>(s.max_loop_lag_ns) / 1e6,
                static_cast<unsigned long long>(s.dropped_events));
  return line;
}

}  // namespace loopscope::model
