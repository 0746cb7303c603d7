#pragma once
// Two recorded runs side by side (`loopscope compare A B`, or the picker's "Compare two runs"):
// each half is a replay exactly as `loopscope open` has it (its own trace, cursor, selection),
// and one LockstepReplay moves both cursors to the same time since each run's start. The
// halves share the app's TimelineNavigation, so zoom, pan and fit move both at once.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "scenarios/lessons/lesson_runner.hpp"
#include "viz/session/app_state.hpp"
#include "viz/session/session_launcher.hpp"
#include "viz/compare/lockstep_replay.hpp"
#include "viz/compare/run_summary.hpp"

namespace loopscope::viz {

struct ComparedHalf {
  std::string label;   // "A" (drawn on top) or "B"
  std::string name;    // the file name or the lesson's name, for the header
  std::string origin;  // the full path, or "built-in lesson NAME"
  // What this half's timeline and (when it is the half shown below) the panels read: a
  // replay with no live session, as `loopscope open` makes it.
  AppState view;
  // Summaries are rebuilt only when the replay time moves, not every frame.
  RunSummary summary;
  std::uint64_t summary_time_ns = model::kOpenEnd;  // kOpenEnd: not summarised yet
};

struct RunComparison {
  std::array<ComparedHalf, 2> halves;
  std::unique_ptr<LockstepReplay> replay;  // over both halves' cursors
  bool playing = false;
  double speed = 1.0;
  std::size_t half_in_panels = 0;  // the half the panels below the timelines show

  std::uint64_t end_ns() const { return replay->end_ns(); }
  // Brings each half's summary up to its cursor's time.
  void refresh_summaries();
};

// Loads both runs (see compare_sources.hpp), stops whatever the app was doing and shows them
// whole, paused at the end: the contrast is on screen at once, and Play starts both from 0.
// Returns false, with state.status_message naming the refused source and why, leaving the
// app as it was.
// A built-in lesson's name is its shipped (C++) recorded run, or, with another server for that
// half, a live run of the lesson against CPython asyncio or threads (compare_sources.hpp).
bool open_comparison(AppState& state, SessionLauncher& launcher, const std::string& first_source,
                     const std::string& second_source,
                     const scenarios::LessonServer& first_server = {},
                     const scenarios::LessonServer& second_server = {});

// The state the panels below the timeline read: the chosen half while comparing, else `state`.
AppState& state_shown_in_panels(AppState& state);

}  // namespace loopscope::viz
