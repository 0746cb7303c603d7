#include "replay_cursor.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <utility>

namespace loopscope::model {

namespace {

using trace::EventKind;

// Index of the first event later than time_ns: the model at time_ns holds the events before it.
std::size_t events_up_to(const trace::TraceLog& log, std::uint64_t time_ns) {
  const auto after = std::ranges::upper_bound(log.events, time_ns, {}, &trace::TraceEvent::time_ns);
  return static_cast<std::size_t>(after - log.events.begin());
}

}  // namespace

std::optional<StepKind> step_kind_of(EventKind kind) {
  switch (kind) {
    case EventKind::TaskSuspended: return StepKind::Suspension;
    case EventKind::DrainStallBegin: return StepKind::DrainStall;
    case EventKind::FreezeBegin: return StepKind::Freeze;
    case EventKind::ClientReply: return StepKind::ClientReply;
    default: return std::nullopt;
  }
}

std::string_view step_kind_id(StepKind kind) {
  switch (kind) {
    case StepKind::Suspension: return "suspension";
    case StepKind::DrainStall: return "drain_stall";
    case StepKind::Freeze: return "freeze";
    case StepKind::ClientReply: return "client_reply";
    case StepKind::AnyEvent: return "any_event";
  }
  return "unknown";
}

std::optional<StepKind> step_kind_from_id(std::string_view id) {
  for (const StepKind kind : {StepKind::Suspension, StepKind::DrainStall, StepKind::Freeze, StepKind::ClientReply,
                              StepKind::AnyEvent}) {
    if (step_kind_id(kind) == id) return kind;
  }
  return std::nullopt;
}

std::string_view step_kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::Suspension: return "suspension";
    case StepKind::DrainStall: return "drain stall";
    case StepKind::Freeze: return "freeze";
    case StepKind::ClientReply: return "client reply";
    case StepKind::AnyEvent: return "any event";
  }
  return "unknown";
}

double clamp_replay_speed(double speed) {
  if (!(speed >= kMinReplaySpeed)) return kMinReplaySpeed;  // also catches NaN
  return std::min(speed, kMaxReplaySpeed);
}

ReplayCursor::ReplayCursor(const trace::TraceLog& log, std::size_t checkpoint_interval)
    : log_(&log), checkpoint_interval_(checkpoint_interval) {
  for (const trace::TraceEvent& event : log.events) {
    if (const auto kind = step_kind_of(event.kind)) times_by_kind_[static_cast<std::size_t>(*kind)].push_back(event.time_ns);
  }
  seek(0);
}

void ReplayCursor::seek(std::uint64_t time_ns) {
  time_ns_ = std::min(time_ns, end_ns());
  move_to_index(events_up_to(*log_, time_ns_));
}

void ReplayCursor::move_to_index(std::size_t end_index) {
  events_applied_by_last_seek_ = 0;
  if (checkpoint_interval_ > 0) {
    // The latest checkpoint at or before the target. Going back there is the only way back;
    // going forward, it saves replaying the events in between (a jump after a scrub back).
    const std::size_t usable = std::min(end_index / checkpoint_interval_, checkpoints_.size());
    const std::size_t checkpoint_index = usable * checkpoint_interval_;
    const bool behind = end_index < applied_;
    if (usable > 0 && (behind || checkpoint_index > applied_ + checkpoint_interval_)) {
      model_ = checkpoints_[usable - 1];
      applied_ = checkpoint_index;
    }
  }
  if (end_index < applied_) {  // no checkpoint at or before the target: start over
    model_ = TraceModel{};
    applied_ = 0;
  }
  append_up_to(end_index);
}

void ReplayCursor::append_up_to(std::size_t end_index) {
  while (applied_ < end_index) {
    // The next checkpoint not yet taken lies beyond applied_: checkpoints are taken the first
    // time the cursor reaches them, and a jump back lands on one already taken.
    const std::size_t boundary = checkpoint_interval_ == 0 ? std::numeric_limits<std::size_t>::max()
                                                           : (checkpoints_.size() + 1) * checkpoint_interval_;
    const std::size_t stop = std::min(end_index, boundary);
    model_.append(*log_, applied_, stop);
    events_applied_by_last_seek_ += stop - applied_;
    applied_ = stop;
    if (applied_ == boundary) take_checkpoint();
  }
}

void ReplayCursor::take_checkpoint() {
  checkpoints_.push_back(model_);
  if (checkpoints_.size() <= kMaxCheckpoints) return;
  // Keep the ones at even multiples of the old interval: checkpoints_[k] then covers
  // (k + 1) * the doubled interval, as before. The newest may go; the next boundary is
  // still ahead of applied_, so append_up_to's invariant holds.
  std::vector<TraceModel> kept;
  kept.reserve(checkpoints_.size() / 2);
  for (std::size_t index = 1; index < checkpoints_.size(); index += 2) kept.push_back(std::move(checkpoints_[index]));
  checkpoints_ = std::move(kept);
  checkpoint_interval_ *= 2;
}

AdvanceResult ReplayCursor::advance_by(std::uint64_t wall_ns, double speed, std::uint64_t limit_ns) {
  const double trace_step_ns = std::round(static_cast<double>(wall_ns) * clamp_replay_speed(speed));
  const std::uint64_t remaining_ns = end_ns() - time_ns_;
  std::uint64_t target_ns = trace_step_ns >= static_cast<double>(remaining_ns)
                                ? end_ns()
                                : time_ns_ + static_cast<std::uint64_t>(trace_step_ns);
  bool limited = false;
  if (limit_ns < target_ns) {
    // Never backwards: a limit behind the replay time holds it where it is.
    target_ns = std::max(limit_ns, time_ns_);
    limited = true;
  }
  // The earliest breakpoint crossed wins; of two at the same moment, the one added first.
  std::optional<std::size_t> hit;
  std::uint64_t hit_ns = 0;
  for (std::size_t index = 0; index < breakpoints_.size(); ++index) {
    const auto at_ns = breakpoint_time(breakpoints_[index]);
    if (!at_ns || *at_ns <= time_ns_ || *at_ns > target_ns) continue;
    if (!hit || *at_ns < hit_ns) {
      hit = index;
      hit_ns = *at_ns;
    }
  }
  AdvanceResult result;
  if (hit) {
    seek(hit_ns);
    result.stopped = true;
    result.reason = StopReason::Breakpoint;
    result.breakpoint_index = hit;
  } else {
    seek(target_ns);
    if (limited) {
      result.stopped = true;
      result.reason = StopReason::Limit;
    } else if (at_end()) {
      result.stopped = true;
      result.reason = StopReason::EndOfTrace;
    }
  }
  result.time_ns = time_ns_;
  return result;
}

std::optional<std::uint64_t> ReplayCursor::next_event_time(StepKind kind, std::uint64_t after_ns) const {
  if (kind == StepKind::AnyEvent) {
    const std::size_t next = events_up_to(*log_, after_ns);
    if (next == log_->events.size()) return std::nullopt;
    return log_->events[next].time_ns;
  }
  const auto& times = times_by_kind_[static_cast<std::size_t>(kind)];
  const auto next = std::ranges::upper_bound(times, after_ns);
  if (next == times.end()) return std::nullopt;
  return *next;
}

std::optional<std::uint64_t> ReplayCursor::previous_event_time(StepKind kind, std::uint64_t before_ns) const {
  if (kind == StepKind::AnyEvent) {
    const auto first_not_before =
        std::ranges::lower_bound(log_->events, before_ns, {}, &trace::TraceEvent::time_ns);
    if (first_not_before == log_->events.begin()) return std::nullopt;
    return std::prev(first_not_before)->time_ns;
  }
  const auto& times = times_by_kind_[static_cast<std::size_t>(kind)];
  const auto first_not_before = std::ranges::lower_bound(times, before_ns);
  if (first_not_before == times.begin()) return std::nullopt;
  return *std::prev(first_not_before);
}

bool ReplayCursor::step_forward(StepKind kind) {
  const auto time = next_event_time(kind);
  if (time) seek(*time);
  return time.has_value();
}

bool ReplayCursor::step_backward(StepKind kind) {
  const auto time = previous_event_time(kind);
  if (time) seek(*time);
  return time.has_value();
}

std::size_t ReplayCursor::add_breakpoint(StepKind kind, int occurrence) {
  if (occurrence < 1) throw std::invalid_argument("a breakpoint's occurrence counts from 1");
  breakpoints_.push_back(Breakpoint{kind, occurrence});
  return breakpoints_.size() - 1;
}

std::optional<std::uint64_t> ReplayCursor::breakpoint_time(const Breakpoint& breakpoint) const {
  if (breakpoint.occurrence < 1) return std::nullopt;
  const auto nth = static_cast<std::size_t>(breakpoint.occurrence - 1);
  if (breakpoint.kind == StepKind::AnyEvent) {
    if (nth >= log_->events.size()) return std::nullopt;
    return log_->events[nth].time_ns;
  }
  const auto& times = times_by_kind_[static_cast<std::size_t>(breakpoint.kind)];
  if (nth >= times.size()) return std::nullopt;
  return times[nth];
}

}  // namespace loopscope::model
