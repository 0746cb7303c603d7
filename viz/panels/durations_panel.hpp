#pragma once
// How long things took, as histograms (docs/warnings.md, "Duration histograms"): the loop's
// callbacks, drain() stalls, read waits and the clients' round trips, for the whole run or one
// client group, each with its count and p50 / p90 / p99 / max over a logarithmic time axis.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/trace_histograms.hpp"
#include "viz/session/app_state.hpp"

namespace loopscope::viz {

class DurationsPanel {
 public:
  void draw(AppState& state);

 private:
  void refresh(const AppState& state);
  static void draw_histogram(const char* name, const char* what, const model::DurationHistogram& histogram);

  std::string group_;  // empty: all
  model::TraceHistograms histograms_;
  std::vector<std::string> groups_;
  // Rebuilt when the trace changes, at most a few times a second while a live run grows.
  std::uint64_t generation_ = UINT64_MAX;
  std::string group_seen_;
  std::uint64_t end_ns_seen_ = 0;
  std::chrono::steady_clock::time_point refreshed_at_{};
};

}  // namespace loopscope::viz
