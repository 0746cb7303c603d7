#include "lockstep_replay.hpp"

#include <algorithm>
#include <cmath>

namespace loopscope::viz {

LockstepReplay::LockstepReplay(std::vector<model::ReplayCursor*> cursors) : cursors_(std::move(cursors)) {
  for (const model::ReplayCursor* cursor : cursors_) end_ns_ = std::max(end_ns_, cursor->end_ns());
  seek(0);
}

void LockstepReplay::seek(std::uint64_t time_ns) {
  time_ns_ = std::min(time_ns, end_ns_);
  for (model::ReplayCursor* cursor : cursors_) cursor->seek(time_ns_);  // each clamps at its own end
}

bool LockstepReplay::advance_by(std::uint64_t wall_ns, double speed) {
  const double step_ns = std::round(static_cast<double>(wall_ns) * model::clamp_replay_speed(speed));
  const std::uint64_t remaining_ns = end_ns_ - time_ns_;
  seek(step_ns >= static_cast<double>(remaining_ns) ? end_ns_ : time_ns_ + static_cast<std::uint64_t>(step_ns));
  return at_end();
}

std::optional<std::uint64_t> LockstepReplay::next_event_time(model::StepKind kind) const {
  std::optional<std::uint64_t> nearest;
  for (const model::ReplayCursor* cursor : cursors_) {
    const auto next = cursor->next_event_time(kind, time_ns_);
    if (next && (!nearest || *next < *nearest)) nearest = next;
  }
  return nearest;
}

std::optional<std::uint64_t> LockstepReplay::previous_event_time(model::StepKind kind) const {
  std::optional<std::uint64_t> nearest;
  for (const model::ReplayCursor* cursor : cursors_) {
    // Asked at the shared time, not the cursor's: a run that ended sooner still has its last
    // events behind the shared time, including one at its very end.
    const auto previous = cursor->previous_event_time(kind, time_ns_);
    if (previous && (!nearest || *previous > *nearest)) nearest = previous;
  }
  return nearest;
}

bool LockstepReplay::step_forward(model::StepKind kind) {
  const auto time = next_event_time(kind);
  if (time) seek(*time);
  return time.has_value();
}

bool LockstepReplay::step_backward(model::StepKind kind) {
  const auto time = previous_event_time(kind);
  if (time) seek(*time);
  return time.has_value();
}

}  // namespace loopscope::viz
