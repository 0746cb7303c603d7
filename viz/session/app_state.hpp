#pragma once
// What the app's parts share each frame: the live session (server, clients, trace, model),
// the lesson being played if any, the selection and the timeline's view. Panels take an
// AppState& and keep their own widget state in their own object (never function statics).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/model/replay_cursor.hpp"
#include "scenarios/lessons/lesson_director.hpp"
#include "scenarios/session/live_session.hpp"
#include "viz/session/shown_warnings.hpp"
#include "viz/timeline/lane_layout.hpp"
#include "viz/timeline/timeline_subject.hpp"
#include "viz/timeline/timeline_viewport.hpp"

namespace loopscope::viz {

// A trace that is looked at rather than recorded: a saved file replayed through a cursor, or a
// fixed model (benchmarks) when there is no cursor.
struct LoadedTrace {
  trace::TraceLog log;
  model::TraceModel model;                      // used when there is no cursor
  std::unique_ptr<model::ReplayCursor> cursor;  // over `log`: the model as it was at the replay time
  std::string origin;        // the file it came from, or which shipped recording, for the title bar
  std::string origin_short;  // the same in a few words, for presentation mode's header
  bool playing = false;
  double speed = 1.0;

  const model::TraceModel& current_model() const { return cursor ? cursor->model() : model; }
  std::uint64_t now_ns() const { return cursor ? cursor->time_ns() : model.end_ns(); }
};

struct RunComparison;  // two recorded runs side by side: viz/compare/run_comparison.hpp
struct RunComparisonDeleter {
  void operator()(RunComparison* comparison) const;
};

struct AppState {
  std::unique_ptr<scenarios::LiveSession> session;      // null until free play or a lesson starts
  std::unique_ptr<LoadedTrace> loaded;                  // used when there is no live session
  // The lesson being played, live (LessonDirector) or over a recorded run (RecordedLesson, whose
  // cursor is loaded->cursor). Null in free play and plain replays.
  std::unique_ptr<scenarios::LessonPlayback> director;
  std::unique_ptr<RunComparison, RunComparisonDeleter> comparison;  // `loopscope compare A B`, else null
  std::optional<std::uint32_t> selected_task;           // clicked on the timeline or in a panel
  TimelineNavigation navigation;
  LaneOptions lane_options;
  std::string status_message;  // shown in the status bar (errors included), empty for none
  // Bumped whenever what is shown is replaced (a lesson, free play, a replay, a comparison):
  // everything derived from the old trace (label caches, check results, filters, selection)
  // is dropped by whoever keeps it. Pointers cannot say so: a new log may reuse the old address.
  std::uint64_t generation = 0;
  // The warnings of what is shown (refreshed by the app each frame) and the one on show.
  ShownWarnings warnings;

  bool has_session() const { return session != nullptr; }
  // What the timeline draws: the live session's model, else the loaded trace's, else none.
  const model::TraceModel* model() const {
    return session ? &session->model() : loaded ? &loaded->current_model() : nullptr;
  }
  const trace::TraceLog* log() const { return session ? &session->log() : loaded ? &loaded->log : nullptr; }
  // Where open spans end: the session's clock now, never before the newest event.
  std::uint64_t now_ns() const {
    if (!session) return loaded ? loaded->now_ns() : 0;
    const auto clock_ns = static_cast<std::uint64_t>(session->elapsed_s() * 1e9);
    return clock_ns > session->model().end_ns() ? clock_ns : session->model().end_ns();
  }
};

// What the timeline draws of this state and may change in it (see timeline_subject.hpp).
inline TimelineSubject timeline_subject(AppState& state) {
  TimelineSubject subject;
  subject.model = state.model();
  subject.log = state.log();
  subject.now_ns = state.now_ns();
  subject.generation = state.generation;
  subject.live_freeze = state.session ? &state.session->freeze() : nullptr;
  subject.selected_task = &state.selected_task;
  subject.lane_options = &state.lane_options;
  subject.navigation = &state.navigation;
  subject.warnings = &state.warnings.list();
  return subject;
}

}  // namespace loopscope::viz
