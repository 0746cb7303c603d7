#pragma once
// Small questions tests ask of a drained trace.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/trace/trace_log.hpp"

namespace loopscope::testing {

inline std::vector<trace::TraceEvent> events_of(const trace::TraceLog& log, trace::EventKind kind,
                                                std::optional<std::uint32_t> subject = std::nullopt) {
  std::vector<trace::TraceEvent> found;
  for (const auto& event : log.events) {
    if (event.kind == kind && (!subject || event.subject_id == *subject)) found.push_back(event);
  }
  return found;
}

inline std::size_t count_of(const trace::TraceLog& log, trace::EventKind kind,
                            std::optional<std::uint32_t> subject = std::nullopt) {
  return events_of(log, kind, subject).size();
}

inline std::uint64_t peak_buffer_bytes(const trace::TraceLog& log, std::uint32_t connection, trace::BufferKind buffer) {
  std::uint64_t peak = 0;
  for (const auto& event : log.events) {
    if (event.kind == trace::EventKind::BufferLevel && event.subject_id == connection &&
        event.detail_as<trace::BufferKind>() == buffer) {
      peak = std::max(peak, event.value);
    }
  }
  return peak;
}

inline std::uint64_t max_value_of(const trace::TraceLog& log, trace::EventKind kind) {
  std::uint64_t peak = 0;
  for (const auto& event : log.events) {
    if (event.kind == kind) peak = std::max(peak, event.value);
  }
  return peak;
}

// Connection ids in accept order.
inline std::vector<std::uint32_t> accepted_connections(const trace::TraceLog& log) {
  std::vector<std::uint32_t> ids;
  for (const auto& event : events_of(log, trace::EventKind::ConnectionAccepted)) ids.push_back(event.subject_id);
  return ids;
}

inline std::optional<trace::ExitReason> exit_reason_of(const trace::TraceLog& log, std::uint32_t task) {
  for (const auto& event : events_of(log, trace::EventKind::TaskExited, task)) return event.detail_as<trace::ExitReason>();
  return std::nullopt;
}

// How many connections are done for in the trace: closed, and their task ended. A client sees
// its FIN when the close is recorded, but the task's end comes after it, so a test that asks
// about both waits for this count, not for the close alone.
inline std::size_t settled_connections(const trace::TraceLog& log) {
  std::size_t settled = 0;
  for (const auto id : accepted_connections(log)) {
    if (count_of(log, trace::EventKind::ConnectionClosed, id) > 0 && exit_reason_of(log, id).has_value()) ++settled;
  }
  return settled;
}

// The SocketBuffer limits recorded when a connection was accepted (any connection when no id is
// given; the last one recorded wins): {send, receive}, 0 where none was recorded.
inline std::pair<std::uint64_t, std::uint64_t> recorded_socket_buffers(
    const trace::TraceLog& log, std::optional<std::uint32_t> connection = std::nullopt) {
  std::pair<std::uint64_t, std::uint64_t> sizes{0, 0};
  for (const auto& event : events_of(log, trace::EventKind::BufferLimit, connection)) {
    if (static_cast<trace::LimitKind>(event.aux) != trace::LimitKind::SocketBuffer) continue;
    if (event.detail_as<trace::BufferKind>() == trace::BufferKind::KernelSend) sizes.first = event.value;
    if (event.detail_as<trace::BufferKind>() == trace::BufferKind::KernelReceive) sizes.second = event.value;
  }
  return sizes;
}

}  // namespace loopscope::testing
