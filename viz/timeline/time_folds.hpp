#pragma once
// Stretches of time the timeline draws as a thin marker instead of at scale: a live lesson
// held for its class's answer can last a minute while the server did nothing worth seeing, and
// at scale it pushes the steps' lines away from the events they narrate. Folded, the time
// around them keeps the width. "Shown time" is trace time with the folded stretches taken out.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace loopscope::viz {

struct TimeFold {
  std::uint64_t begin_ns = 0;
  std::uint64_t end_ns = 0;
};

class TimeFolds {
 public:
  TimeFolds() = default;
  // Sorted, merged where they touch, empty ones dropped.
  explicit TimeFolds(std::vector<TimeFold> folds);

  bool empty() const { return folds_.empty(); }
  const std::vector<TimeFold>& folds() const { return folds_; }

  // Trace time up to `time_ns` with the folded stretches before it taken out.
  std::uint64_t shown_ns(std::uint64_t time_ns) const;
  // How many markers lie before `time_ns`; inside a fold, the share of it passed (0.4: 40% in).
  double markers_before(std::uint64_t time_ns) const;
  // The trace time whose shown time is `shown_ns` (at a fold's place: the fold's end).
  std::uint64_t time_of_shown(std::uint64_t shown_ns) const;

 private:
  std::size_t folds_ending_by(std::uint64_t time_ns) const;  // folds that end at or before it
  std::vector<TimeFold> folds_;
  std::vector<std::uint64_t> folded_before_ns_;  // [k]: total length of folds 0..k-1
};

}  // namespace loopscope::viz
