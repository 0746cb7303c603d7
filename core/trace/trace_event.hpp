#pragma once
// The record of a drained trace and of the native trace file: times in ns since the trace
// began, call sites as indices into the trace's site table, and the producing ring recorded.

#include <cstdint>
#include <type_traits>

#include "event_kind.hpp"

namespace loopscope::trace {

using SiteId = std::uint32_t;  // 0 = no site; otherwise index + 1 into TraceLog::sites
using SourceId = std::uint16_t;

struct TraceEvent {
  std::uint64_t time_ns;
  std::uint64_t value;
  std::uint32_t subject_id;
  SiteId site_id;
  EventKind kind;
  std::uint8_t detail;
  std::uint16_t aux;
  SourceId source_id;  // index into TraceLog::sources: which thread's ring recorded it
  std::uint16_t reserved;

  template <class Enum>
  Enum detail_as() const { return static_cast<Enum>(detail); }
};

static_assert(sizeof(TraceEvent) == 32, "the native trace file stores this record as is");
static_assert(std::is_trivially_copyable_v<TraceEvent>);

}  // namespace loopscope::trace
