#pragma once
// Replay of a finished trace: a movable "now" over a TraceLog and the model as it stood then.
//
// At replay time t the model holds exactly the events with time_ns <= t, so it is the model the
// live app had at that moment: a task waiting at t has an open span (end kOpenEnd), a drain
// stall under way at t has no end yet. Moving forward appends only the new events; moving back
// restarts from the nearest checkpoint (a copy of the model every N events), so scrubbing back
// through a long trace never replays it from the start.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "core/model/trace_model.hpp"
#include "core/trace/trace_log.hpp"

namespace loopscope::model {

// What "step to the next ..." and a breakpoint look for. Each kind is one event kind, so a
// step lands on the moment that event happened:
//   Suspension  task_suspended     (a task reached a co_await and gave the loop back)
//   DrainStall  drain_stall_begin  (drain() started to wait)
//   Freeze      freeze_begin       (the handler that froze the loop started)
//   ClientReply client_reply       (a scripted client got a whole reply)
//   AnyEvent    any event at all
enum class StepKind { Suspension, DrainStall, Freeze, ClientReply, AnyEvent };
inline constexpr std::size_t kStepKindCount = 5;

std::string_view step_kind_name(StepKind kind);  // "suspension", "drain stall", ...
// The names lesson files use: "suspension", "drain_stall", "freeze", "client_reply", "any_event".
std::string_view step_kind_id(StepKind kind);
std::optional<StepKind> step_kind_from_id(std::string_view id);
// The kind a single event counts as (a drain_stall_begin is a DrainStall); nullopt for events
// that only AnyEvent covers.
std::optional<StepKind> step_kind_of(trace::EventKind kind);

// "Pause at the Nth event of this kind" (occurrence 1 is the first).
struct Breakpoint {
  StepKind kind = StepKind::AnyEvent;
  int occurrence = 1;
};

enum class StopReason { None, Breakpoint, EndOfTrace, Limit };

struct AdvanceResult {
  bool stopped = false;  // playback should pause: a breakpoint was reached or the trace ended
  StopReason reason = StopReason::None;
  std::optional<std::size_t> breakpoint_index;  // into breakpoints(), when reason is Breakpoint
  std::uint64_t time_ns = 0;                    // the replay time after the advance
};

// Playback speeds. Replays exist to slow a run down (a 2 ms drain stall at 0.01x lasts 0.2 s on
// screen); faster than real time would skip the very moments a class is looking at, and to get
// somewhere quickly there is scrubbing and stepping. Capping at 1x also means a frame never has
// to take in more events than the live app took in the same wall time.
inline constexpr double kMinReplaySpeed = 0.01;
inline constexpr double kMaxReplaySpeed = 1.0;
double clamp_replay_speed(double speed);  // NaN or below the minimum gives the minimum

// A checkpoint is a full copy of the model, so their number is capped: when a trace outgrows
// kMaxCheckpoints intervals, every second checkpoint is dropped and the interval doubles. Memory
// then stays within a few times one model, and going back replays at most
// max(interval, events / 8) events after one copy. Measured in docs/trace-format.md (1.8).
inline constexpr std::size_t kDefaultCheckpointInterval = 50000;
inline constexpr std::size_t kMaxCheckpoints = 16;

class ReplayCursor {
 public:
  // `log` is owned elsewhere and must outlive the cursor and stay unchanged (a loaded or a
  // finished trace): the cursor indexes its events once, here. Starts at time 0.
  // checkpoint_interval 0 takes no checkpoints (every backward seek replays from the start).
  explicit ReplayCursor(const trace::TraceLog& log, std::size_t checkpoint_interval = kDefaultCheckpointInterval);

  // Moves the replay time; a time past the last event is clamped to it.
  void seek(std::uint64_t time_ns);
  std::uint64_t time_ns() const { return time_ns_; }
  std::uint64_t end_ns() const { return log_->end_ns(); }
  bool at_end() const { return time_ns_ >= end_ns(); }
  // The model as it was at time_ns(). Open spans should be drawn up to time_ns(), which may be
  // later than model().end_ns() (the last event so far).
  const TraceModel& model() const { return model_; }
  const trace::TraceLog& log() const { return *log_; }

  // Playback: moves forward by wall_ns * speed (speed clamped to [kMinReplaySpeed,
  // kMaxReplaySpeed]), stopping exactly at the first breakpoint crossed, at the end, or at
  // limit_ns (StopReason::Limit): a lesson holds the replay just before a step it must not
  // reveal yet. A breakpoint at or before the limit wins.
  AdvanceResult advance_by(std::uint64_t wall_ns, double speed,
                           std::uint64_t limit_ns = std::numeric_limits<std::uint64_t>::max());

  // The first event of the kind strictly after / strictly before the replay time.
  std::optional<std::uint64_t> next_event_time(StepKind kind) const { return next_event_time(kind, time_ns_); }
  std::optional<std::uint64_t> previous_event_time(StepKind kind) const { return previous_event_time(kind, time_ns_); }
  // The same around any time: runs replayed side by side share one replay time, which can lie
  // past the end of the shorter run.
  std::optional<std::uint64_t> next_event_time(StepKind kind, std::uint64_t after_ns) const;
  std::optional<std::uint64_t> previous_event_time(StepKind kind, std::uint64_t before_ns) const;
  // Seek there; false (and no move) when there is none.
  bool step_forward(StepKind kind);
  bool step_backward(StepKind kind);

  // Throws std::invalid_argument if occurrence < 1. Returns the breakpoint's index.
  std::size_t add_breakpoint(StepKind kind, int occurrence = 1);
  void clear_breakpoints() { breakpoints_.clear(); }
  const std::vector<Breakpoint>& breakpoints() const { return breakpoints_; }
  // When the breakpoint's event happened; nullopt if the trace has fewer such events.
  std::optional<std::uint64_t> breakpoint_time(const Breakpoint& breakpoint) const;

  // For tests and measurements: how many events the last seek fed to the model, and how many
  // checkpoints exist so far (they are taken as the cursor first moves past each one).
  std::size_t events_applied_by_last_seek() const { return events_applied_by_last_seek_; }
  std::size_t checkpoint_count() const { return checkpoints_.size(); }
  std::size_t checkpoint_interval() const { return checkpoint_interval_; }

 private:
  // Brings the model to log.events[0, end_index), taking checkpoints on the way forward.
  void move_to_index(std::size_t end_index);
  void append_up_to(std::size_t end_index);
  void take_checkpoint();

  const trace::TraceLog* log_;
  std::size_t checkpoint_interval_;
  // Event times of each StepKind but AnyEvent (which searches the log itself), ascending
  // because the log is in time order: stepping and breakpoints are binary searches.
  std::array<std::vector<std::uint64_t>, kStepKindCount - 1> times_by_kind_;
  // checkpoints_[k] is the model of log.events[0, (k + 1) * checkpoint_interval_); the interval
  // doubles each time the cap is reached.
  std::vector<TraceModel> checkpoints_;
  TraceModel model_;
  std::size_t applied_ = 0;  // the model holds log.events[0, applied_)
  std::uint64_t time_ns_ = 0;
  std::vector<Breakpoint> breakpoints_;
  std::size_t events_applied_by_last_seek_ = 0;
};

}  // namespace loopscope::model
