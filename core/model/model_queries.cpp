#include "model_queries.hpp"

#include <algorithm>
#include <cmath>

namespace loopscope::model {

namespace {
std::uint64_t span_end(const TraceModel& model, std::uint64_t end_ns) {
  return end_ns == kOpenEnd ? model.end_ns() : end_ns;
}
}  // namespace

std::uint64_t time_in_state_ns(const TraceModel& model, const TaskRecord& task, TaskState state, TimeRange range) {
  std::uint64_t total = 0;
  // Runnable is carved out of awaiting_read on demand; awaiting_read itself keeps its whole wait.
  const std::vector<StateSpan> derived =
      state == TaskState::Runnable ? spans_with_runnable(model, task, TimeRange{}) : std::vector<StateSpan>{};
  for (const StateSpan& span : state == TaskState::Runnable ? derived : task.spans) {
    if (span.state == state) total += range.overlap_ns(span.begin_ns, span_end(model, span.end_ns));
  }
  return total;
}

double share_in_state(const TraceModel& model, const std::vector<const TaskRecord*>& tasks, TaskState state,
                      TimeRange range) {
  std::uint64_t in_state = 0;
  std::uint64_t alive = 0;
  for (const TaskRecord* task : tasks) {
    const std::vector<StateSpan> derived =
        state == TaskState::Runnable ? spans_with_runnable(model, *task, TimeRange{}) : std::vector<StateSpan>{};
    for (const StateSpan& span : state == TaskState::Runnable ? derived : task->spans) {
      if (span.state == TaskState::Exited) continue;
      const std::uint64_t overlap = range.overlap_ns(span.begin_ns, span_end(model, span.end_ns));
      alive += overlap;
      if (span.state == state) in_state += overlap;
    }
  }
  return alive == 0 ? 0.0 : static_cast<double>(in_state) / static_cast<double>(alive);
}

std::vector<std::uint64_t> reply_latencies_ns(const std::vector<const ClientRecord*>& clients, TimeRange range) {
  std::vector<std::uint64_t> latencies;
  for (const ClientRecord* client : clients) {
    for (const LatencySample& sample : client->replies) {
      if (sample.time_ns >= range.begin_ns && sample.time_ns <= range.end_ns) latencies.push_back(sample.latency_ns);
    }
  }
  return latencies;
}

std::optional<std::uint64_t> percentile(std::vector<std::uint64_t> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double clamped = std::clamp(p, 0.0, 100.0);
  const auto rank = static_cast<std::size_t>(std::ceil(clamped / 100.0 * static_cast<double>(values.size())));
  return values[rank == 0 ? 0 : rank - 1];
}

std::uint64_t peak_level_bytes(const ConnectionRecord& connection, trace::BufferKind buffer, TimeRange range) {
  std::uint64_t peak = 0;
  for (const CounterSample& sample : connection.level(buffer)) {
    if (sample.time_ns >= range.begin_ns && sample.time_ns <= range.end_ns) peak = std::max(peak, sample.value);
  }
  return peak;
}

std::uint64_t longest_freeze_ns(const TraceModel& model, TimeRange range) {
  std::uint64_t longest = 0;
  for (const Freeze& freeze : model.loop().freezes) {
    const std::uint64_t end = span_end(model, freeze.end_ns);
    if (range.overlap_ns(freeze.begin_ns, end) > 0 || (freeze.begin_ns >= range.begin_ns && freeze.begin_ns <= range.end_ns)) {
      longest = std::max(longest, end - freeze.begin_ns);
    }
  }
  return longest;
}

bool thread_blocked_for(const TraceModel& model, std::uint64_t threshold_ns) {
  for (const auto& [id, task] : model.tasks()) {
    if (task.runner == trace::TaskRunner::LoopCoroutine) continue;
    for (const StateSpan& span : task.spans) {
      if (span.state != TaskState::Running && span.state != TaskState::AwaitingTimer) continue;
      const std::uint64_t end_ns = span.end_ns == kOpenEnd ? model.end_ns() : span.end_ns;
      if (end_ns >= span.begin_ns + threshold_ns) return true;
    }
  }
  return false;
}

std::uint64_t max_loop_lag_ns(const TraceModel& model, TimeRange range) {
  std::uint64_t worst = 0;
  for (const CounterSample& sample : model.loop().lag) {
    if (sample.time_ns >= range.begin_ns && sample.time_ns <= range.end_ns) worst = std::max(worst, sample.value);
  }
  return worst;
}

double loop_utilisation(const TraceModel& model, TimeRange range) {
  const std::uint64_t end = std::min(range.end_ns, model.end_ns());
  if (end <= range.begin_ns) return 0.0;
  std::uint64_t busy = 0;
  for (const BusySpan& span : model.loop().busy) busy += range.overlap_ns(span.begin_ns, span.end_ns);
  return static_cast<double>(busy) / static_cast<double>(end - range.begin_ns);
}

std::vector<StateSpan> spans_in_range(const TaskRecord& task, TimeRange range) {
  // Spans are contiguous and ordered, so their ends are sorted too.
  const auto first = std::lower_bound(task.spans.begin(), task.spans.end(), range.begin_ns,
                                      [](const StateSpan& span, std::uint64_t time) { return span.end_ns <= time; });
  std::vector<StateSpan> found;
  for (auto span = first; span != task.spans.end() && span->begin_ns < range.end_ns; ++span) found.push_back(*span);
  return found;
}

const ClientRecord* client_of(const TraceModel& model, const TaskRecord& task) {
  if (!task.client) return nullptr;
  const auto found = model.clients().find(*task.client);
  return found == model.clients().end() ? nullptr : &found->second;
}

std::optional<std::uint64_t> runnable_since_ns(const ClientRecord* client, const StateSpan& span) {
  if (client == nullptr || span.state != TaskState::AwaitingRead) return std::nullopt;
  // The last send inside the wait is the one that completed what the task waited for (a
  // trickling client sends a line in pieces; only the last piece makes readline ready).
  const auto& sends = client->send_times_ns;
  const auto after = std::lower_bound(sends.begin(), sends.end(), span.end_ns);
  if (after == sends.begin() || *std::prev(after) < span.begin_ns) return std::nullopt;
  return *std::prev(after);
}

std::vector<StateSpan> spans_with_runnable(const TraceModel& model, const TaskRecord& task, TimeRange range) {
  std::vector<StateSpan> spans = spans_in_range(task, range);
  const ClientRecord* client = client_of(model, task);
  if (client == nullptr || client->send_times_ns.empty()) return spans;
  std::vector<StateSpan> split;
  split.reserve(spans.size() + 8);
  for (const StateSpan& span : spans) {
    const std::optional<std::uint64_t> since_ns = runnable_since_ns(client, span);
    if (!since_ns) {
      split.push_back(span);
      continue;
    }
    StateSpan waiting = span;
    waiting.end_ns = *since_ns;
    StateSpan runnable = span;
    runnable.begin_ns = *since_ns;
    runnable.state = TaskState::Runnable;
    if (waiting.end_ns > waiting.begin_ns) split.push_back(waiting);
    split.push_back(runnable);
  }
  return split;
}

namespace {
// Calls visit(time_ns) for each event of the kind the model holds, in no particular order.
template <typename Visit>
void for_each_step_event(const TraceModel& model, StepKind kind, Visit&& visit) {
  switch (kind) {
    case StepKind::DrainStall:
      for (const auto& [id, connection] : model.connections()) {
        for (const DrainStall& stall : connection.drain_stalls) visit(stall.begin_ns);
      }
      break;
    case StepKind::Freeze:
      for (const Freeze& freeze : model.loop().freezes) visit(freeze.begin_ns);
      break;
    case StepKind::ClientReply:
      for (const auto& [id, client] : model.clients()) {
        for (const LatencySample& reply : client.replies) visit(reply.time_ns);
      }
      break;
    case StepKind::Suspension:
      for (const auto& [id, task] : model.tasks()) {
        for (const StateSpan& span : task.spans) {
          if (span.state != TaskState::Running && span.state != TaskState::Exited) visit(span.begin_ns);
        }
      }
      break;
    case StepKind::AnyEvent: break;
  }
}
}  // namespace

std::vector<std::uint64_t> step_event_times(const TraceModel& model, StepKind kind) {
  std::vector<std::uint64_t> times;
  for_each_step_event(model, kind, [&times](std::uint64_t time_ns) { times.push_back(time_ns); });
  std::sort(times.begin(), times.end());
  return times;
}

std::size_t step_event_count(const TraceModel& model, StepKind kind) {
  std::size_t count = 0;
  for_each_step_event(model, kind, [&count](std::uint64_t) { ++count; });
  return count;
}

}  // namespace loopscope::model
