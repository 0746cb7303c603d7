#pragma once
// The plain records a TraceModel holds: one per task, connection and client, plus the loop's
// own history. Times are ns since the trace began; an open span ends at kOpenEnd.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/model/task_state.hpp"
#include "core/trace/event_kind.hpp"
#include "core/trace/trace_event.hpp"

namespace loopscope::model {

inline constexpr std::uint64_t kOpenEnd = std::numeric_limits<std::uint64_t>::max();

struct TimeRange {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = kOpenEnd;
  std::uint64_t overlap_ns(std::uint64_t begin, std::uint64_t end) const {
    const std::uint64_t from = begin > begin_ns ? begin : begin_ns;
    const std::uint64_t to = end < end_ns ? end : end_ns;
    return to > from ? to - from : 0;
  }
};

struct StateSpan {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = kOpenEnd;
  TaskState state = TaskState::Running;
  trace::SiteId site = 0;  // the await it waits in (0 while running)
};

struct TaskRecord {
  std::uint32_t id = 0;
  std::string handler;
  trace::TaskRunner runner = trace::TaskRunner::LoopCoroutine;  // a coroutine, or a thread of a threaded server
  std::optional<std::uint32_t> client;  // the scripted client on the other end, if any
  std::uint64_t spawned_ns = 0;
  std::optional<std::uint64_t> exited_ns;
  std::optional<trace::ExitReason> exit_reason;
  std::string failure;            // "LineTooLongError: line longer than ..." when it died of one
  trace::SiteId failure_site = 0; // where that was raised
  std::vector<StateSpan> spans;  // contiguous, in time order; the last may be open
  bool awaited_wait_closed = false;  // it reached `await writer.wait_closed()` (suspended or not)
  bool had_cancelled_await = false;  // an await of its was cancelled (a deadline, wait_for)
};

struct CounterSample {
  std::uint64_t time_ns = 0;
  std::uint64_t value = 0;
};

struct DrainStall {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = kOpenEnd;
  std::uint64_t begin_level_bytes = 0;
  std::uint64_t end_level_bytes = 0;
};

struct ConnectionRecord {
  std::uint32_t id = 0;
  std::uint16_t peer_port = 0;
  std::uint64_t accepted_ns = 0;
  std::optional<std::uint64_t> closed_ns;
  std::optional<trace::CloseReason> close_reason;
  std::array<std::vector<CounterSample>, 4> levels;  // by trace::BufferKind
  std::array<std::uint64_t, 4> peak_bytes{};          // the highest of each, kept as samples arrive
  std::uint64_t high_water_bytes = 0;
  std::uint64_t low_water_bytes = 0;
  std::uint64_t line_limit_bytes = 0;
  std::vector<DrainStall> drain_stalls;
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t reads = 0;  // socket reads that returned data: how the bytes were split up
  std::vector<trace::StreamErrorKind> errors;

  const std::vector<CounterSample>& level(trace::BufferKind kind) const {
    return levels[static_cast<std::size_t>(kind)];
  }
  std::uint64_t peak(trace::BufferKind kind) const { return peak_bytes[static_cast<std::size_t>(kind)]; }
};

struct BusySpan {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
};

struct Freeze {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = kOpenEnd;
  std::uint32_t task = 0;
  trace::SiteId site = 0;
};

// A blocking call made on the loop (time.sleep() and the like), and where.
struct BlockingCallSpan {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
  std::uint32_t task = 0;  // the task that made it (0: none current)
  trace::SiteId site = 0;
};

struct LoopRecord {
  std::vector<BusySpan> busy;           // one per Asio handler the loop ran
  std::vector<CounterSample> lag;       // heartbeat lateness, ns
  std::vector<Freeze> freezes;
  std::vector<BlockingCallSpan> blocking_calls;
  std::vector<CounterSample> drops;     // when events were dropped, and how many
};

// The server process as a whole, sampled while it runs (EventKind::ProcessGauge).
struct ProcessRecord {
  std::array<std::vector<CounterSample>, trace::kProcessGaugeCount> gauges;  // by trace::ProcessGauge

  const std::vector<CounterSample>& gauge(trace::ProcessGauge kind) const {
    return gauges[static_cast<std::size_t>(kind)];
  }
};

struct LatencySample {
  std::uint64_t time_ns = 0;    // when the reply was complete
  std::uint64_t latency_ns = 0;
};

struct ClientRecord {
  std::uint32_t id = 0;
  std::string behaviour;
  std::string group;
  std::uint16_t local_port = 0;
  std::optional<std::uint32_t> task;  // the server task serving it
  std::uint64_t started_ns = 0;
  std::optional<std::uint64_t> finished_ns;
  std::optional<trace::ClientEnd> end;
  std::vector<LatencySample> replies;
  std::vector<std::uint64_t> send_times_ns;  // each write the client handed to the kernel
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

struct MarkRecord {
  std::uint64_t time_ns = 0;
  std::string text;
};

// A lesson step as the run recorded it: which step fired when, and for which lesson.
struct LessonStepRecord {
  std::uint64_t time_ns = 0;
  std::uint32_t step_index = 0;  // 0-based, into the lesson's steps
  std::string lesson_id;
};

// A stretch in which a live lesson held its scripted clients still (waiting for answers, or
// paused): what happens in it is the server alone, and the timeline marks it.
struct LessonHoldRecord {
  std::uint64_t begin_ns = 0;
  std::optional<std::uint64_t> end_ns;  // open while still held
  trace::HoldReason reason = trace::HoldReason::Prediction;
};

// A prediction as the run put it to the class.
struct LessonPredictionRecord {
  std::uint32_t prediction_index = 0;  // into the lesson's predictions
  std::uint64_t asked_ns = 0;
  std::optional<std::uint64_t> answered_ns;
  std::optional<std::uint16_t> choice;  // none when revealed without an answer
};

}  // namespace loopscope::model
