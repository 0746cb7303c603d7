#pragma once
// Questions asked of a TraceModel over a time range: what lesson checks measure and panels
// show. Pure functions, so each is easy to test and to reuse.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/model/replay_cursor.hpp"
#include "core/model/trace_model.hpp"

namespace loopscope::model {

// Time the task spent in `state` within `range` (an open span counts up to model.end_ns()).
std::uint64_t time_in_state_ns(const TraceModel& model, const TaskRecord& task, TaskState state, TimeRange range);

// Share (0..1) of the tasks' combined lifetime within `range` spent in `state`.
double share_in_state(const TraceModel& model, const std::vector<const TaskRecord*>& tasks, TaskState state,
                      TimeRange range);

// All reply latencies of the clients, within the range (by reply time).
std::vector<std::uint64_t> reply_latencies_ns(const std::vector<const ClientRecord*>& clients, TimeRange range);

// The p-th percentile (0..100, nearest rank) of the values; nullopt when there are none.
std::optional<std::uint64_t> percentile(std::vector<std::uint64_t> values, double p);

// The highest sample of a connection's buffer within the range.
std::uint64_t peak_level_bytes(const ConnectionRecord& connection, trace::BufferKind buffer, TimeRange range);

// Longest freeze overlapping the range, and the total time the loop was frozen in it.
std::uint64_t longest_freeze_ns(const TraceModel& model, TimeRange range);
std::uint64_t max_loop_lag_ns(const TraceModel& model, TimeRange range);
// What would have frozen a loop, on a threaded server: a thread that ran, or slept, for at
// least `threshold_ns` at a stretch (its own client waited; nobody else did). The lesson
// director takes it for `first_freeze` when a loop lesson's handlers run on threads, so the
// lesson goes on where the loop would have frozen. Open spans count up to the model's end.
bool thread_blocked_for(const TraceModel& model, std::uint64_t threshold_ns);
// Share (0..1) of the range the loop spent running handlers.
double loop_utilisation(const TraceModel& model, TimeRange range);

// State spans of a task overlapping the range (for drawing), by binary search.
std::vector<StateSpan> spans_in_range(const TaskRecord& task, TimeRange range);

// The same spans, with the part of each read wait after its client's last send in it shown
// as Runnable: the data was there, the task waited for the loop to get round to it.
// Only tasks linked to a scripted client can show it (a learner's own nc sends unseen).
std::vector<StateSpan> spans_with_runnable(const TraceModel& model, const TaskRecord& task, TimeRange range);
// The pieces of it, for callers that walk spans themselves (the timeline): the task's client,
// and where in one read wait the Runnable part begins (nullopt: none).
const ClientRecord* client_of(const TraceModel& model, const TaskRecord& task);
std::optional<std::uint64_t> runnable_since_ns(const ClientRecord* client, const StateSpan& span);

// When each event of a step kind happened, ascending, as far as the model knows (a live model
// grows): drain stalls and freezes by their start, client replies by their completion,
// suspensions by the start of each wait. AnyEvent gives nothing: the model keeps no raw events.
std::vector<std::uint64_t> step_event_times(const TraceModel& model, StepKind kind);
// How many there are, without collecting or sorting them: what a live breakpoint asks each tick.
std::size_t step_event_count(const TraceModel& model, StepKind kind);

}  // namespace loopscope::model
