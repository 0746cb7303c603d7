#pragma once
// Export of a TraceLog to the Chrome Trace Event JSON format, so a trace opens in Perfetto
// (ui.perfetto.dev) or chrome://tracing next to other tools' traces.
//
// The names below are a public interface: users search for them in Perfetto and scripts
// query them, so changing one is a breaking change (note it in docs/trace-format.md).
//
// Top level: {"displayTimeUnit":"ns","traceEvents":[...],"otherData":{...}}
//   otherData: "schema_version", "start_unix_ns", "dropped_events_total",
//              "sources": [{"name", "dropped_events"}, ...] one per recording ring.
// Timestamps ("ts", "dur") are microseconds since the trace began, written with exactly
// three fractional digits so every nanosecond survives.
//
// Process: pid 1, process_name "loopscope server".
// Track tid 0, thread_name "event loop":
//   "handler"           X  one Asio completion handler (HandlerInvoked)
//   "blocking call"     X  args {site}
//   "freeze"            X  args {task, site, duration_ms}
//   "events dropped"    i  global scope, args {count, source}
//   "connection refused" i args {connection, peer}
//   <mark label text>   i  global scope (Mark; "mark" if the label is empty)
// Track tid <task id>, thread_name "task <id> (<handler label>)" or "task <id>":
//   "running"                 X  from TaskSpawned / TaskResumed to the next state change
//   "awaiting <await kind>"   X  e.g. "awaiting readline", "awaiting drain";
//                                args {site, call} with call as in Python, "reader.readline()"
//   "exited"                  i  args {reason}
//   "cancelled"               i  args {site, call}
//   "connection accepted"     i  args {peer}  ("a.b.c.d:port", or "[IPv6]:port")
//   "connection closed"       i  args {reason}
//   "stream error"            i  args {kind, value}
// Track tid <task id> + 1000000, thread_name "task <id> drain stalls":
//   "drain stall"             X  args {site, start_level_bytes, end_level_bytes}
// Counters (ph "C", per process):
//   "loop lag"                              args {lag_ms}
//   "conn <id> <buffer kind> buffer"        args {bytes}   e.g. "conn 1 writer buffer"
//   "conn <id> <buffer kind> <limit kind>"  args {bytes}   e.g. "conn 1 writer high_water"
// A slice still open when the trace ends is closed at the last event's time and carries
// "unfinished": true in its args. BytesReceived / BytesSent are not exported: their effect is
// visible in the buffer counters, and one event per read would swamp the viewer.

#include <cstdint>
#include <filesystem>
#include <string>

#include "trace_log.hpp"

namespace loopscope::trace {

// Drain-stall tracks sit at task id + this, so they never collide with a task's own track.
inline constexpr std::uint64_t kChromeDrainStallTidOffset = 1000000;
// Scripted clients are numbered apart from tasks; their tracks sit at client id + this.
inline constexpr std::uint64_t kChromeClientTidOffset = 2000000;

std::string export_chrome_trace_json(const TraceLog& log);

// Writes through a temporary file and a rename; throws std::runtime_error naming the path.
void save_chrome_trace(const TraceLog& log, const std::filesystem::path& path);

}  // namespace loopscope::trace
