#pragma once
// The mistakes the seeds warn about, found in a trace model and named in plain words: a
// blocking call or CPU-heavy work on the loop, write() with no drain(), a connection never
// closed or a close never awaited, a read with no deadline, events dropped. Computed from the
// model alone, so the app (live and in replays), `serve` and `lesson` all say the same.
// docs/warnings.md lists each warning, its threshold and its fix.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/trace_model.hpp"

namespace loopscope::model {

enum class WarningKind : std::uint8_t {
  SlowCallback,        // one callback held the loop past the threshold (a blocking call in it)
  NoAwait,             // a task ran past the threshold without reaching an await
  WriteWithoutDrain,   // the writer buffer passed high water and kept growing, no drain()
  ConnectionLeaked,    // the handler returned without closing its connection
  CloseNotAwaited,     // close() with no wait_closed() before the task ended
  ReadWithoutDeadline, // a readline() wait far longer than its peers', with no deadline
  EventsDropped,       // the recorder could not keep up: the trace has gaps
};
inline constexpr int kWarningKindCount = 7;

std::string_view warning_kind_id(WarningKind kind);  // "slow_callback", ... (lesson checks use these)
std::optional<WarningKind> warning_kind_from_id(std::string_view id);
std::string_view warning_title(WarningKind kind);    // "Blocking call on the loop", ...
std::string_view warning_why(WarningKind kind);      // why it matters
std::string_view warning_fix(WarningKind kind);      // what to do instead

struct WarningThresholds {
  // asyncio's debug mode logs a callback slower than loop.slow_callback_duration, 100 ms by
  // default; the same number here, so what Loopscope flags is what asyncio would log.
  std::uint64_t slow_callback_ns = 100'000'000;
  // A readline() wait is flagged when it lasts at least this long ...
  std::uint64_t read_wait_min_ns = 1'000'000'000;
  // ... and at least this many times the upper quartile of the longest waits of the other
  // tasks of its handler (at least two others).
  double read_wait_peer_factor = 10.0;
  // WriteWithoutDrain: how far past high water the buffer must grow with no drain().
  double write_growth_factor = 2.0;
};

struct Warning {
  WarningKind kind = WarningKind::SlowCallback;
  std::uint64_t time_ns = 0;      // the moment to jump to
  std::uint64_t duration_ns = 0;  // how long it lasted (0 for an instant)
  std::uint32_t task = 0;         // the task to select (0: none)
  trace::SiteId site = 0;         // the line it points at (0: none known)
  std::uint64_t value = 0;        // kind-specific: peak bytes, dropped events, ...
  std::string message;            // "blocking call at blocking_sleep.cpp:12 held the loop for 400 ms"
};

// Every warning the model shows, in time order. `log` supplies site and label names. Open
// spans and a freeze still under way last until `now_ns` (0: the model's last event; live, the
// session clock, so a loop stuck with nothing recorded is still seen to be stuck).
std::vector<Warning> find_warnings(const TraceModel& model, const trace::TraceLog& log,
                                   const WarningThresholds& thresholds = {}, std::uint64_t now_ns = 0);

// How many of `warnings` are of `kind` (and, when `tasks` is given, about one of those tasks).
std::size_t count_warnings(const std::vector<Warning>& warnings, WarningKind kind,
                           const std::vector<const TaskRecord*>* tasks = nullptr);

}  // namespace loopscope::model
