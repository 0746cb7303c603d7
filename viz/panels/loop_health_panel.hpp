#pragma once
// Is the loop keeping up? A freeze, shouted while it lasts (the learner must not miss that
// one handler is holding everyone), then the loop's vital signs: heartbeat lag over the last
// seconds, how busy it was in the last second, how many events it produces, what the
// recorder dropped, the freezes so far and the commands still waiting for the loop.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "viz/app/app_state.hpp"

namespace loopscope::viz {

class LoopHealthPanel {
 public:
  void draw(AppState& state);

 private:
  struct CountSample {
    double wall_s = 0;
    std::uint64_t events_total = 0;
  };

  void track_event_rate(const scenarios::LiveSession& session);
  void draw_freeze_banner(const loop::FreezeState& freeze) const;
  void draw_lag(const model::TraceModel& model, const loop::FreezeState& freeze, std::uint64_t now_ns);
  void draw_utilisation(const scenarios::LiveSession& session, std::uint64_t now_ns);
  void draw_event_rate() const;
  void draw_dropped(const scenarios::LiveSession& session) const;
  void draw_freezes(const model::TraceModel& model, const loop::FreezeState& freeze) const;
  void draw_pending_commands(const scenarios::LiveSession& session) const;

  // Events per second, from how fast the log grows over wall time. The total survives
  // take_log() (which empties the log), so the rate does not dip to zero when a trace is saved.
  std::size_t log_size_seen_ = 0;
  std::uint64_t events_total_ = 0;
  std::deque<CountSample> count_samples_;  // the last second or so
  double events_per_s_ = 0;
  std::vector<float> rate_history_;        // one value per kRateSampleInterval_s
  double next_rate_sample_s_ = 0;

  std::vector<float> lag_ms_;  // the plot's points, reused each frame

  // The loop's busy spans of about the last second, kept as the model grows: the same sum
  // model::loop_utilisation() makes, without walking every span of the session (millions
  // after a few minutes) each frame.
  struct RecentBusy {
    const std::vector<model::BusySpan>* spans = nullptr;  // the model's, to notice a new session
    std::size_t spans_seen = 0;
    std::uint64_t last_now_ns = 0;  // the clock going back is a new session too
    std::deque<model::BusySpan> recent;  // in arrival order; may still hold a few that ended
  };
  double busy_share(const model::TraceModel& model, std::uint64_t since_ns, std::uint64_t now_ns);

  RecentBusy recent_busy_;
};

}  // namespace loopscope::viz
