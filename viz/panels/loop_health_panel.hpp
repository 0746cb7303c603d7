#pragma once
// Is the loop keeping up? A freeze, shouted while it lasts (the learner must not miss that
// one handler is holding everyone), then the loop's vital signs: heartbeat lag over the last
// seconds, how busy it was in the last second, how many events it produces, what the
// recorder dropped, the freezes so far and the commands still waiting for the loop. On a
// replay the same signs are read from the trace as it stood at the replay time: the freeze
// from the model's open freeze, the event rate from the events' own times; commands are a
// live server's only.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/model/freeze_now.hpp"
#include "viz/session/app_state.hpp"

namespace loopscope::viz {

class LoopHealthPanel {
 public:
  void draw(AppState& state);

 private:
  struct CountSample {
    double wall_s = 0;
    std::uint64_t events_total = 0;
  };

  // The freeze under way, from whoever knows it: the watchdog, live (it sees a freeze before
  // the model does), or the model's open freeze on a replay, which lasts up to the replay time.
  static model::FreezeNow freeze_now(const AppState& state, const model::TraceModel& model, const trace::TraceLog& log,
                              std::uint64_t now_ns);

  void track_event_rate(const scenarios::LiveSession& session);
  void read_event_rate(const trace::TraceLog& log, std::uint64_t now_ns);
  void draw_freeze_banner(const model::FreezeNow& freeze) const;
  void draw_lag(const model::TraceModel& model, const model::FreezeNow& freeze, std::uint64_t now_ns);
  void draw_utilisation(const model::TraceModel& model, const model::FreezeNow& freeze, std::uint64_t now_ns, bool live);
  void draw_event_rate() const;
  void draw_dropped(const model::TraceModel& model, const trace::TraceLog& log, bool live) const;
  void draw_freezes(const model::TraceModel& model, const model::FreezeNow& freeze) const;
  void draw_pending_commands(const scenarios::LiveSession& session) const;

  // Live: events per second from how fast the log grows over wall time. The total survives
  // take_log() (which empties the log), so the rate does not dip to zero when a trace is saved.
  // A replay reads both the rate and its history from the event times instead (the whole
  // file is loaded at once, so its growth means nothing).
  const scenarios::LiveSession* rate_session_ = nullptr;  // whose wall clock the samples are on
  std::size_t log_size_seen_ = 0;
  std::uint64_t events_total_ = 0;
  std::deque<CountSample> count_samples_;  // the last second or so
  double events_per_s_ = 0;
  std::vector<float> rate_history_;        // one value per kRateSampleInterval_s
  double next_rate_sample_s_ = 0;

  std::vector<float> lag_ms_;  // the plot's points, reused each frame

  // The loop's busy spans of about the last second, kept as the model grows: the same sum
  // model::loop_utilisation() makes, without walking every span of the session (millions
  // after a few minutes) each frame. A replay's model is replaced, or rebuilt smaller, when the
  // replay moves back: a new model, fewer spans or the clock going back starts it again.
  struct RecentBusy {
    const std::vector<model::BusySpan>* spans = nullptr;  // the model's, to notice another model
    std::size_t spans_seen = 0;
    std::uint64_t last_now_ns = 0;  // the clock going back is a new session, or a replay moved back
    std::deque<model::BusySpan> recent;  // in arrival order; may still hold a few that ended
  };
  // Busy time over [since_ns, now_ns], divided by the part of it the model has reached
  // (reached_ns: the newest event live, the replay time on a replay).
  double busy_share(const model::TraceModel& model, std::uint64_t since_ns, std::uint64_t now_ns,
                    std::uint64_t reached_ns);

  RecentBusy recent_busy_;
};

}  // namespace loopscope::viz
