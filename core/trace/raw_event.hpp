#pragma once
// The record a hook writes into a ring. Fixed 32 bytes so a ring slot is half a cache line
// and a hook is a handful of stores. The call site is kept as the std::source_location
// itself (one pointer to a static descriptor in GCC and Clang), so capturing it costs nothing;
// the consumer interns it into a site id when it drains the ring.

#include <cstdint>
#include <source_location>
#include <type_traits>

#include "event_kind.hpp"

namespace loopscope::trace {

struct RawEvent {
  std::uint64_t time_ticks;   // TraceClock ticks; converted to ns when drained
  std::uint64_t value;        // kind-specific, see EventKind; durations in ticks (value_is_duration)
  std::source_location site;  // default-constructed = no site
  std::uint32_t subject_id;   // task or connection id
  EventKind kind;
  std::uint8_t detail;        // kind-specific small enum
  std::uint16_t aux;          // kind-specific small number
};

static_assert(sizeof(std::source_location) == 8, "a call site must be one pointer");
static_assert(sizeof(RawEvent) == 32, "ring record size is part of the hook's cost budget");
static_assert(std::is_trivially_copyable_v<RawEvent>);

}  // namespace loopscope::trace
