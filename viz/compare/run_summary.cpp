#include "run_summary.hpp"

#include <algorithm>

#include "core/model/model_queries.hpp"
#include "viz/timeline/timeline_builder.hpp"

namespace loopscope::viz {

namespace {

// Below these a difference is not worth a highlight.
constexpr std::uint64_t kBufferDifferenceBytes = 16 * 1024;
constexpr std::uint64_t kStallDifference = 1;
constexpr std::uint64_t kFreezeDifferenceNs = 10'000'000;
constexpr std::uint64_t kLatencyDifferenceNs = 10'000'000;

}  // namespace

RunSummary summarize_run(const model::TraceModel& model) {
  RunSummary summary;
  for (const auto& [id, connection] : model.connections()) {
    summary.peak_writer_buffer_bytes =
        std::max(summary.peak_writer_buffer_bytes, connection.peak(trace::BufferKind::Writer));
    summary.drain_stalls += connection.drain_stalls.size();
  }
  summary.longest_freeze_ns = model::longest_freeze_ns(model, model::TimeRange{});
  std::vector<const model::ClientRecord*> clients;
  for (const auto& [id, client] : model.clients()) clients.push_back(&client);
  const std::vector<std::uint64_t> latencies = model::reply_latencies_ns(clients, model::TimeRange{});
  summary.replies = latencies.size();
  summary.p95_reply_latency_ns = model::percentile(latencies, 95);
  summary.tasks = model.tasks().size();
  for (const auto& [id, task] : model.tasks()) {
    if (task.handler.empty()) continue;
    if (std::find(summary.handlers.begin(), summary.handlers.end(), task.handler) == summary.handlers.end()) {
      summary.handlers.push_back(task.handler);
    }
  }
  return summary;
}

bool stands_out(std::uint64_t value, std::uint64_t other, std::uint64_t smallest_difference) {
  return value > other && value >= other * 2 && value - other >= smallest_difference;
}

std::vector<SummaryFigure> summary_figures(const RunSummary& run, const RunSummary& other_run) {
  std::vector<SummaryFigure> figures;
  figures.push_back({"peak writer buffer", format_bytes(run.peak_writer_buffer_bytes),
                     stands_out(run.peak_writer_buffer_bytes, other_run.peak_writer_buffer_bytes, kBufferDifferenceBytes)});
  figures.push_back({"drain stalls", std::to_string(run.drain_stalls),
                     stands_out(run.drain_stalls, other_run.drain_stalls, kStallDifference)});
  figures.push_back({"longest freeze", run.longest_freeze_ns == 0 ? "none" : format_duration_ns(run.longest_freeze_ns),
                     stands_out(run.longest_freeze_ns, other_run.longest_freeze_ns, kFreezeDifferenceNs)});
  // A run without replies has nothing to compare: it is not "better" than one with replies.
  const bool both_replied = run.p95_reply_latency_ns && other_run.p95_reply_latency_ns;
  figures.push_back({"p95 reply", run.p95_reply_latency_ns ? format_duration_ns(*run.p95_reply_latency_ns) : "no replies",
                     both_replied && stands_out(*run.p95_reply_latency_ns, *other_run.p95_reply_latency_ns,
                                                kLatencyDifferenceNs)});
  return figures;
}

}  // namespace loopscope::viz
