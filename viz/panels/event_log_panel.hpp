#pragma once
// The raw event list: every event the recorder drained, newest at the bottom, one row each,
// for the learner who wants to see exactly what the timeline was drawn from. A live log
// reaches a million events in minutes, so rows are clipped to the visible ones and the filter
// keeps its matches in an index that grows with the log (event_log_filter.hpp). A replay
// lists the loaded log's events up to the replay time only, as the live app had them then.

#include <array>
#include <cstddef>

#include "viz/session/app_state.hpp"
#include "viz/panels/event_log_filter.hpp"

namespace loopscope::viz {

class EventLogPanel {
 public:
  void draw(AppState& state);

 private:
  EventLogQuery query_for(const AppState& state, const model::TraceModel& model) const;
  void draw_controls(const AppState& state);
  void draw_status(const AppState& state, std::size_t shown_events) const;
  void draw_table(AppState& state, const trace::TraceLog& log);

  std::array<char, 256> filter_text_{};
  bool only_selected_task_ = false;
  bool follow_ = true;  // keep the newest events in view as they arrive
  EventLogIndex index_;
};

}  // namespace loopscope::viz
