#pragma once
// The instrumentation hook: what every recording site calls.
// A hook reads the clock and copies 32 bytes into the calling thread's ring: no lock, no
// allocation, no I/O. A thread records only after Recorder::attach_current_thread(); before
// that (or on threads that never attach) events are counted in unattached_drops(), so a
// missing attach is visible instead of silent.
// Building with LOOPSCOPE_HOOKS=0 compiles every hook to nothing (the benchmarks' baseline).

#include <atomic>
#include <cstdint>
#include <source_location>

#include "event_ring.hpp"
#include "trace_clock.hpp"

#ifndef LOOPSCOPE_HOOKS
#define LOOPSCOPE_HOOKS 1
#endif

namespace loopscope::trace {

inline thread_local EventRing* tls_ring = nullptr;
inline std::atomic<std::uint64_t> g_unattached_drops{0};

inline std::uint64_t unattached_drops() { return g_unattached_drops.load(std::memory_order_relaxed); }

// The hook functions differ between a hooks-on and a hooks-off build of the same library;
// an inline namespace per variant keeps the two from violating the one-definition rule.
#if LOOPSCOPE_HOOKS
inline namespace hooks_on {
#else
inline namespace hooks_off {
#endif

inline constexpr bool kHooksEnabled = LOOPSCOPE_HOOKS != 0;

inline void record_at(std::uint64_t time_ticks, EventKind kind, std::uint32_t subject_id,
                      std::uint64_t value = 0, std::uint8_t detail = 0,
                      std::source_location site = {}, std::uint16_t aux = 0) noexcept {
  if constexpr (kHooksEnabled) {
    EventRing* ring = tls_ring;
    if (ring == nullptr) {
      g_unattached_drops.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    ring->try_push(RawEvent{time_ticks, value, site, subject_id, kind, detail, aux});
  } else {
    (void)time_ticks, (void)kind, (void)subject_id, (void)value, (void)detail, (void)site, (void)aux;
  }
}

inline void record(EventKind kind, std::uint32_t subject_id, std::uint64_t value = 0,
                   std::uint8_t detail = 0, std::source_location site = {},
                   std::uint16_t aux = 0) noexcept {
  if constexpr (kHooksEnabled) {
    // The ring is looked up before the clock is read: a thread that does not record pays
    // for nothing but the lookup.
    EventRing* ring = tls_ring;
    if (ring == nullptr) {
      g_unattached_drops.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    ring->try_push(RawEvent{TraceClock::now_ticks(), value, site, subject_id, kind, detail, aux});
  } else {
    (void)kind, (void)subject_id, (void)value, (void)detail, (void)site, (void)aux;
  }
}

}  // inline namespace hooks_on / hooks_off

template <class Enum>
constexpr std::uint8_t detail_of(Enum value) {
  return static_cast<std::uint8_t>(value);
}

}  // namespace loopscope::trace
