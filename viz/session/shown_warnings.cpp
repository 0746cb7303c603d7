#include "shown_warnings.hpp"

#include <algorithm>

namespace loopscope::viz {

bool ShownWarnings::refresh(const model::TraceModel* model, const trace::TraceLog* log, std::uint64_t generation,
                            std::uint64_t now_ns) {
  if (model == nullptr || log == nullptr) {
    const bool had = !warnings_.empty();
    warnings_.clear();
    shown_.reset();
    generation_ = generation;
    return had;
  }
  const bool new_trace = generation != generation_;
  // A replay's model moves with its cursor; a live one grows. Either changes the end time.
  const bool changed = new_trace || log->events.size() != events_seen_ || model->end_ns() != end_ns_seen_ ||
                       now_ns != now_ns_seen_;
  if (!changed) return false;
  const auto now = std::chrono::steady_clock::now();
  // Finding them walks the whole model: on a long run that takes a while, and it is done on
  // the frame, so it is done less often the longer it takes (at most 5% of the time).
  const auto interval = std::max<std::chrono::steady_clock::duration>(kRefreshInterval, last_cost_ * 20);
  if (!new_trace && now - refreshed_at_ < interval) return false;
  refreshed_at_ = now;
  generation_ = generation;
  events_seen_ = log->events.size();
  end_ns_seen_ = model->end_ns();
  now_ns_seen_ = now_ns;
  warnings_ = model::find_warnings(*model, *log, {}, now_ns);
  last_cost_ = std::chrono::steady_clock::now() - now;
  if (new_trace || (shown_ && *shown_ >= warnings_.size())) shown_.reset();
  return true;
}

void ShownWarnings::show(std::size_t index, TimelineNavigation& navigation,
                         std::optional<std::uint32_t>& selected_task) {
  if (index >= warnings_.size()) return;
  shown_ = index;
  const model::Warning& warning = warnings_[index];
  // The moment with as much again either side (at least 200 ms), so what led to it shows.
  const std::uint64_t context_ns = std::max<std::uint64_t>(warning.duration_ns, 200'000'000);
  navigation.show_range(warning.time_ns > context_ns ? warning.time_ns - context_ns : 0,
                        warning.time_ns + warning.duration_ns + context_ns);
  if (warning.task != 0) selected_task = warning.task;
}

void ShownWarnings::show_next(TimelineNavigation& navigation, std::optional<std::uint32_t>& selected_task) {
  const std::size_t next = shown_ ? *shown_ + 1 : 0;
  if (next >= warnings_.size()) {
    shown_.reset();
    return;
  }
  show(next, navigation, selected_task);
}

}  // namespace loopscope::viz
