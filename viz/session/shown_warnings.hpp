#pragma once
// The warnings of what the app shows (docs/warnings.md), kept between frames: finding them
// walks the whole model, so it runs again only when the trace has grown or moved, and at most
// a few times a second while a live run grows (less often on a run so long that finding them
// takes a while). The warnings panel, the timeline's markers and
// presentation mode's W key all read this one list, and "which warning is being shown" lives
// here too so they agree on it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/model/trace_model.hpp"
#include "core/model/warnings.hpp"
#include "core/trace/trace_log.hpp"
#include "viz/timeline/timeline_viewport.hpp"

namespace loopscope::viz {

class ShownWarnings {
 public:
  // Finds them again if the trace or the time changed (a new generation at once; growth, or a
  // live clock running on while the loop is stuck, at most every kRefreshInterval). `now_ns`
  // is where open spans end (AppState::now_ns()). Returns true when the list was rebuilt.
  bool refresh(const model::TraceModel* model, const trace::TraceLog* log, std::uint64_t generation,
               std::uint64_t now_ns);

  const std::vector<model::Warning>& list() const { return warnings_; }
  std::optional<std::size_t> shown() const { return shown_; }

  // Jumps the view to warning `index` (its moment, with some context either side) and selects
  // its task; it becomes the shown one.
  void show(std::size_t index, TimelineNavigation& navigation, std::optional<std::uint32_t>& selected_task);
  // W: the next warning after the shown one; after the last, none (back to the lesson).
  void show_next(TimelineNavigation& navigation, std::optional<std::uint32_t>& selected_task);
  void hide() { shown_.reset(); }

  static constexpr auto kRefreshInterval = std::chrono::milliseconds(250);

 private:
  std::vector<model::Warning> warnings_;
  std::optional<std::size_t> shown_;
  std::uint64_t generation_ = UINT64_MAX;
  std::size_t events_seen_ = 0;
  std::uint64_t end_ns_seen_ = 0;
  std::uint64_t now_ns_seen_ = 0;
  std::chrono::steady_clock::time_point refreshed_at_{};
  std::chrono::steady_clock::duration last_cost_{};  // how long the last search took
};

}  // namespace loopscope::viz
