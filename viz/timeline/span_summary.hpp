#pragma once
// A coarse index over one task's state spans, so a zoomed-out frame folds thousands of
// sub-pixel spans without visiting them. Jumping one pixel column at a time still cost a
// search per column per lane (about 100k cache-missing searches a frame for 100 lanes over a
// million events); with the index, a run of narrow spans costs one look per 64 spans skipped
// (one per 4096 where whole groups are narrow) plus a scan of the run's two ends.
//
// Only closed spans are summarised, in complete blocks of 64: a block never changes once
// made, so appending spans (live) only adds blocks. The open last span and the partial block
// before it are always read from the spans themselves.

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/model/trace_model.hpp"

namespace loopscope::viz {

using StateTimes = std::array<std::uint64_t, model::kTaskStateCount>;  // ns per TaskState

class TaskSpanSummary {
 public:
  static constexpr std::size_t kBlockSpans = 64;
  static constexpr std::size_t kGroupBlocks = 64;

  // Brings the index up to date with the task's spans. The model only appends spans and
  // closes the last one; anything else (a new model, a replay restarted) is detected by the
  // spans the index last saw no longer being there, and the index is rebuilt from scratch.
  void update(const std::vector<model::StateSpan>& spans);
  std::size_t summarised_spans() const { return block_max_ns_.size() * kBlockSpans; }
  std::size_t rebuilds() const { return rebuilds_; }

  // The first index in [index, end) whose span lasts at least `min_duration_ns` (an open span
  // lasts until `now_ns`), or `end` when none does. `looked_at` counts spans and blocks read.
  std::size_t next_at_least(const std::vector<model::StateSpan>& spans, std::size_t index, std::size_t end,
                            std::uint64_t min_duration_ns, std::uint64_t now_ns, std::size_t& looked_at) const;
  // Adds the time per state of the closed spans [first, last) to `times`.
  void add_state_times(const std::vector<model::StateSpan>& spans, std::size_t first, std::size_t last,
                       StateTimes& times, std::size_t& looked_at) const;

 private:
  void reset();
  bool still_describes(const std::vector<model::StateSpan>& spans) const;

  std::vector<std::uint64_t> block_max_ns_;  // the longest span of each block
  std::vector<std::uint64_t> group_max_ns_;  // the longest of each kGroupBlocks blocks (so far)
  std::vector<StateTimes> times_before_ = std::vector<StateTimes>(1);  // [b]: per state, blocks before b
  // What the index was built from, to notice when the spans are no longer those.
  model::StateSpan first_span_{};
  model::StateSpan last_summarised_span_{};
  std::size_t rebuilds_ = 0;
};

// One summary per task, kept across frames by the TimelineBuilder.
class SpanSummaryCache {
 public:
  // Up to date with `task.spans` when it returns.
  const TaskSpanSummary& summary_of(const model::TaskRecord& task);
  // A different model: its task ids mean other tasks.
  void forget_model_if_not(const model::TraceModel* model);
  std::size_t size() const { return by_task_.size(); }

 private:
  const model::TraceModel* model_ = nullptr;
  std::unordered_map<std::uint32_t, TaskSpanSummary> by_task_;
};

}  // namespace loopscope::viz
