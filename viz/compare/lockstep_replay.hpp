#pragma once
// One replay time over several recorded runs, so they can be watched side by side: t = 0 is
// each run's own start, and every run's cursor is moved to the same t. A run that ended sooner
// stays at its end (its cursor clamps) while the others go on. Play, scrub and "step to the
// next drain stall" all move the one shared time. Headless, so it is tested without a display.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/model/replay_cursor.hpp"

namespace loopscope::viz {

class LockstepReplay {
 public:
  // The cursors are owned elsewhere and must outlive this. Moves them all to time 0.
  explicit LockstepReplay(std::vector<model::ReplayCursor*> cursors);

  // Moves the shared time (clamped to end_ns()) and every cursor with it.
  void seek(std::uint64_t time_ns);
  std::uint64_t time_ns() const { return time_ns_; }
  // The longest run's end: the shared time goes no further.
  std::uint64_t end_ns() const { return end_ns_; }
  bool at_end() const { return time_ns_ >= end_ns_; }
  // True when the run has ended before the shared time (its cursor waits at its end).
  bool run_ended(std::size_t run) const { return cursors_.at(run)->end_ns() < time_ns_; }

  // Playback: moves on by wall_ns * speed (clamped to 0.01x..1x, as a single replay).
  // Returns true when this reached the end of the longest run.
  bool advance_by(std::uint64_t wall_ns, double speed);

  // The nearest event of the kind in any run strictly after / before the shared time.
  std::optional<std::uint64_t> next_event_time(model::StepKind kind) const;
  std::optional<std::uint64_t> previous_event_time(model::StepKind kind) const;
  // Seek there; false (and no move) when no run has one.
  bool step_forward(model::StepKind kind);
  bool step_backward(model::StepKind kind);

 private:
  std::vector<model::ReplayCursor*> cursors_;
  std::uint64_t end_ns_ = 0;
  std::uint64_t time_ns_ = 0;
};

}  // namespace loopscope::viz
