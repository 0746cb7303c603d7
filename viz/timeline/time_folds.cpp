#include "time_folds.hpp"

#include <algorithm>

namespace loopscope::viz {

TimeFolds::TimeFolds(std::vector<TimeFold> folds) {
  std::erase_if(folds, [](const TimeFold& fold) { return fold.end_ns <= fold.begin_ns; });
  std::sort(folds.begin(), folds.end(), [](const TimeFold& a, const TimeFold& b) { return a.begin_ns < b.begin_ns; });
  for (const TimeFold& fold : folds) {
    if (!folds_.empty() && fold.begin_ns <= folds_.back().end_ns) {
      folds_.back().end_ns = std::max(folds_.back().end_ns, fold.end_ns);
    } else {
      folds_.push_back(fold);
    }
  }
  std::uint64_t total_ns = 0;
  for (const TimeFold& fold : folds_) {
    folded_before_ns_.push_back(total_ns);
    total_ns += fold.end_ns - fold.begin_ns;
  }
  folded_before_ns_.push_back(total_ns);
}

std::size_t TimeFolds::folds_ending_by(std::uint64_t time_ns) const {
  return static_cast<std::size_t>(std::partition_point(folds_.begin(), folds_.end(), [time_ns](const TimeFold& fold) {
                                    return fold.end_ns <= time_ns;
                                  }) - folds_.begin());
}

std::uint64_t TimeFolds::shown_ns(std::uint64_t time_ns) const {
  const std::size_t before = folds_ending_by(time_ns);
  std::uint64_t removed_ns = folded_before_ns_[before];
  if (before < folds_.size() && folds_[before].begin_ns < time_ns) removed_ns += time_ns - folds_[before].begin_ns;
  return time_ns - removed_ns;
}

double TimeFolds::markers_before(std::uint64_t time_ns) const {
  const std::size_t before = folds_ending_by(time_ns);
  double markers = static_cast<double>(before);
  if (before < folds_.size() && folds_[before].begin_ns < time_ns) {
    const TimeFold& fold = folds_[before];
    markers += static_cast<double>(time_ns - fold.begin_ns) / static_cast<double>(fold.end_ns - fold.begin_ns);
  }
  return markers;
}

std::uint64_t TimeFolds::time_of_shown(std::uint64_t shown_ns) const {
  // Fold k starts at shown time begin_k - folded_before_k; a shown time at or past it is after it.
  std::size_t passed = 0;
  while (passed < folds_.size() && folds_[passed].begin_ns - folded_before_ns_[passed] <= shown_ns) ++passed;
  return shown_ns + folded_before_ns_[passed];
}

}  // namespace loopscope::viz
