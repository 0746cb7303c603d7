#include "span_summary.hpp"

#include <algorithm>

namespace loopscope::viz {

namespace {

std::uint64_t duration_ns(const model::StateSpan& span, std::uint64_t now_ns) {
  const std::uint64_t end_ns = span.end_ns == model::kOpenEnd ? now_ns : span.end_ns;
  return end_ns > span.begin_ns ? end_ns - span.begin_ns : 0;
}

bool same_span(const model::StateSpan& a, const model::StateSpan& b) {
  return a.begin_ns == b.begin_ns && a.end_ns == b.end_ns && a.state == b.state && a.site == b.site;
}

// Closed spans only (an open one would count as nothing).
void add_scanned(const std::vector<model::StateSpan>& spans, std::size_t first, std::size_t last, StateTimes& times,
                 std::size_t& looked_at) {
  for (std::size_t index = first; index < last; ++index) {
    const auto state = static_cast<std::size_t>(spans[index].state);
    if (state < times.size()) times[state] += duration_ns(spans[index], spans[index].begin_ns);
  }
  looked_at += last > first ? last - first : 0;
}

}  // namespace

void TaskSpanSummary::reset() {
  if (!block_max_ns_.empty()) ++rebuilds_;
  block_max_ns_.clear();
  group_max_ns_.clear();
  times_before_.assign(1, StateTimes{});
}

bool TaskSpanSummary::still_describes(const std::vector<model::StateSpan>& spans) const {
  const std::size_t summarised = summarised_spans();
  if (summarised == 0) return true;
  return spans.size() >= summarised && same_span(spans.front(), first_span_) &&
         same_span(spans[summarised - 1], last_summarised_span_);
}

void TaskSpanSummary::update(const std::vector<model::StateSpan>& spans) {
  if (!still_describes(spans)) reset();
  std::size_t summarised = summarised_spans();
  while (summarised + kBlockSpans <= spans.size()) {
    std::uint64_t longest_ns = 0;
    StateTimes times = times_before_.back();
    std::size_t index = summarised;
    // Only closed spans: the open one still grows (in the model, only the last can be open).
    for (; index < summarised + kBlockSpans && spans[index].end_ns != model::kOpenEnd; ++index) {
      const std::uint64_t span_ns = duration_ns(spans[index], 0);
      longest_ns = std::max(longest_ns, span_ns);
      const auto state = static_cast<std::size_t>(spans[index].state);
      if (state < times.size()) times[state] += span_ns;
    }
    if (index < summarised + kBlockSpans) break;
    const std::size_t block = block_max_ns_.size();
    block_max_ns_.push_back(longest_ns);
    if (block % kGroupBlocks == 0) group_max_ns_.push_back(longest_ns);
    else group_max_ns_.back() = std::max(group_max_ns_.back(), longest_ns);
    times_before_.push_back(times);
    summarised += kBlockSpans;
    if (block == 0) first_span_ = spans.front();
    last_summarised_span_ = spans[summarised - 1];
  }
}

std::size_t TaskSpanSummary::next_at_least(const std::vector<model::StateSpan>& spans, std::size_t index,
                                           std::size_t end, std::uint64_t min_duration_ns, std::uint64_t now_ns,
                                           std::size_t& looked_at) const {
  const std::size_t summarised = std::min(summarised_spans(), spans.size());
  while (index < end) {
    if (index < summarised && index % kBlockSpans == 0) {
      const std::size_t block = index / kBlockSpans;
      ++looked_at;
      if (block % kGroupBlocks == 0 && group_max_ns_[block / kGroupBlocks] < min_duration_ns) {
        index = std::min((block + kGroupBlocks) * kBlockSpans, summarised);
        continue;
      }
      if (block_max_ns_[block] < min_duration_ns) {
        index += kBlockSpans;
        continue;
      }
    }
    ++looked_at;
    if (duration_ns(spans[index], now_ns) >= min_duration_ns) return index;
    ++index;
  }
  return end;
}

void TaskSpanSummary::add_state_times(const std::vector<model::StateSpan>& spans, std::size_t first,
                                      std::size_t last, StateTimes& times, std::size_t& looked_at) const {
  // Whole blocks inside [first, last) come from the running totals; the ends are scanned.
  const std::size_t first_block = (first + kBlockSpans - 1) / kBlockSpans;
  const std::size_t end_block = std::min(last / kBlockSpans, block_max_ns_.size());
  if (first_block >= end_block) {
    add_scanned(spans, first, last, times, looked_at);
    return;
  }
  add_scanned(spans, first, first_block * kBlockSpans, times, looked_at);
  for (std::size_t state = 0; state < times.size(); ++state) {
    times[state] += times_before_[end_block][state] - times_before_[first_block][state];
  }
  looked_at += 2;
  add_scanned(spans, end_block * kBlockSpans, last, times, looked_at);
}

const TaskSpanSummary& SpanSummaryCache::summary_of(const model::TaskRecord& task) {
  TaskSpanSummary& summary = by_task_[task.id];
  summary.update(task.spans);
  return summary;
}

void SpanSummaryCache::forget_model_if_not(const model::TraceModel* model) {
  if (model == model_) return;
  by_task_.clear();
  model_ = model;
}

}  // namespace loopscope::viz
