#pragma once
// What one timeline draws and what a click on it may change, handed down by whoever owns the
// session (viz/session/app_state.hpp builds it): the widget never sees the app's state, so the
// timeline stays below the session and the panels in the folder order.

#include <cstdint>
#include <optional>

#include "core/model/freeze_now.hpp"
#include "core/model/trace_model.hpp"
#include "core/model/warnings.hpp"
#include "core/trace/trace_log.hpp"
#include "viz/timeline/lane_layout.hpp"
#include "viz/timeline/timeline_viewport.hpp"

namespace loopscope::viz {

struct TimelineSubject {
  const model::TraceModel* model = nullptr;  // null: nothing to draw yet
  const trace::TraceLog* log = nullptr;      // the model's log, for site names
  std::uint64_t now_ns = 0;                  // where open spans end
  // Changes whenever the trace is replaced: caches derived from the old one are dropped.
  std::uint64_t generation = 0;
  const model::FreezeNow* live_freeze = nullptr;  // the live session's view; null in replays
  std::optional<std::uint32_t>* selected_task = nullptr;  // a click on a lane selects its task
  LaneOptions* lane_options = nullptr;                    // a click on a group header folds it
  TimelineNavigation* navigation = nullptr;               // zoom, pan, follow live
  const std::vector<model::Warning>* warnings = nullptr;  // marked on the timeline; null: none
};

}  // namespace loopscope::viz
