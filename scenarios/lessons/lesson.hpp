#pragma once
// A lesson, as read from its JSON file (see docs/lessons.md): the server it runs, the client
// groups it drives, the steps that narrate it, the predictions it asks and the checks that
// prove its claim.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/replay_cursor.hpp"
#include "core/trace/event_kind.hpp"
#include "scenarios/clients/client_spec.hpp"
#include "scenarios/server/server_config.hpp"

namespace loopscope::scenarios {

inline constexpr const char* kLessonFormat = "loopscope-lesson/1";


struct ClientGroup {
  std::string name;
  int count = 1;
  ClientSpec spec;
};

// What makes a step fire: a time, or the first time something happens.
struct StepTrigger {
  enum class Kind { AtTime, FirstDrainStall, FirstFreeze, FirstTimeout, GroupDone, AfterPrevious };
  Kind kind = Kind::AtTime;
  double at_s = 0;    // AtTime; AfterPrevious: seconds after the previous step fired
  std::string group;  // GroupDone
};

struct LessonAction {
  enum class Kind { Start, Stop, SetHandler, SetLimits, InjectBlocking, Mark, SetModel };
  Kind kind = Kind::Mark;
  std::string target;  // group (start/stop), handler (set_handler), text (mark)
  ServerModel model = ServerModel::Loop;  // set_model
  std::size_t high_water_bytes = 0;
  std::size_t low_water_bytes = 0;
  std::uint32_t blocking_ms = 0;
};

struct LessonStep {
  StepTrigger trigger;
  std::string narration;
  std::vector<LessonAction> actions;
};

struct Prediction {
  std::string question;
  std::vector<std::string> choices;
  std::size_t answer = 0;  // index into choices
  std::string explanation;
  std::size_t before_step = 0;  // asked before this step fires (and the step's actions run)
  // The step whose narration gives the answer: before_step unless the effect shows later (the
  // question is asked before the action that causes it, the answer once it has happened).
  std::size_t reveal_step = 0;
  // The trace events whose happening is the answer ("freeze_begin", "drain_stall_begin", ...):
  // none may happen between the question and the step it comes before. Optional; the tests
  // hold every built-in lesson to it.
  std::vector<trace::EventKind> about;
};

struct LessonCheck {
  std::string name;
  std::string measure;               // see docs/lessons.md: state_share, latency_percentile_ms, ...
  std::string group;                 // the client group it looks at (if any)
  std::string versus_group;          // latency_ratio: the group compared against
  std::string state;                 // state_share: a task state name
  double percentile = 95;            // latency_percentile_ms, latency_ratio
  std::string relative_to;           // buffer measures: "high_water", "low_water" or "" (bytes)
  std::string reason;                // connections_closed: a close reason name
  std::string warning;               // warnings: a warning id (docs/warnings.md), e.g. "slow_callback"
  std::string gauge;                 // gauge measures: a process gauge name, e.g. "resident_bytes"
  std::string versus_gauge;          // gauge_ratio: the gauge divided by (default: the same gauge)
  std::optional<double> at_least;
  std::optional<double> at_most;
};

// "Pause at the first drain stall": the lesson pauses when the Nth event of a kind happens, live
// or in a replay, so the class looks at that moment before the run goes on.
struct LessonBreakpoint {
  model::StepKind on = model::StepKind::DrainStall;
  int occurrence = 1;  // 1 = the first
  std::string note;    // optional: what to look at, shown while paused there
};

struct LessonEnd {
  std::optional<double> after_s;     // end this long after the start...
  std::string when_group_done;       // ...or once this group has finished
  double timeout_s = 30;             // never run longer than this
};

struct Lesson {
  std::string id;
  std::string title;
  std::string summary;
  ServerConfig server;  // the "server" section
  std::map<std::string, ClientGroup> groups;
  std::vector<LessonStep> steps;
  std::vector<Prediction> predictions;
  std::vector<LessonCheck> checks;
  std::vector<LessonBreakpoint> breakpoints;
  LessonEnd end;
  // The panels presentation mode shows beside the timeline: "connections", "loop", "code",
  // "events". Optional; the desktop app always has them all.
  std::vector<std::string> panels;
  // Whether the lesson also runs against the handlers' CPython asyncio twins (`--server
  // asyncio`). Only a lesson about Loopscope's own server models (threads against the loop)
  // says no: asyncio's server is a loop, with no threads to switch to.
  bool runs_on_asyncio = true;
};

inline bool is_lesson_panel(const std::string& name) {
  return name == "connections" || name == "loop" || name == "code" || name == "events";
}

}  // namespace loopscope::scenarios
