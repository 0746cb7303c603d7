#pragma once
// The few numbers that tell two runs apart at a glance, read from a model with the existing
// queries (core/model/model_queries.hpp): how much a writer buffer held, how often drain()
// waited, how long the loop froze, how long clients waited for replies. Each half of a
// comparison shows them in one line, and a figure that is far higher than the other run's
// stands out, so the contrast the lesson is about is the first thing a class reads.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/trace_model.hpp"

namespace loopscope::viz {

struct RunSummary {
  std::uint64_t peak_writer_buffer_bytes = 0;  // the highest any connection's writer buffer held
  std::size_t drain_stalls = 0;                // every drain() that had to wait, one under way included
  std::uint64_t longest_freeze_ns = 0;         // 0: the loop never froze
  std::optional<std::uint64_t> p95_reply_latency_ns;  // scripted clients' replies; none yet: nullopt
  std::size_t replies = 0;
  std::size_t tasks = 0;
  std::vector<std::string> handlers;  // the distinct handlers that served connections, first seen first
};

RunSummary summarize_run(const model::TraceModel& model);

struct SummaryFigure {
  std::string label;  // "peak writer buffer"
  std::string value;  // "1.0 MiB"
  bool stands_out = false;  // at least twice the other run's, and by more than a trivial amount
};

// The summary line's figures, in a fixed order so the two halves line up.
std::vector<SummaryFigure> summary_figures(const RunSummary& run, const RunSummary& other_run);

// Whether `value` is notably higher than `other`: at least twice as high, and higher by at
// least `smallest_difference` (1 ms against 0.3 ms is "twice", but nobody could see it).
bool stands_out(std::uint64_t value, std::uint64_t other, std::uint64_t smallest_difference);

}  // namespace loopscope::viz
