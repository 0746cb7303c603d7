#pragma once
// Runs a lesson headless on real sockets: starts the server and the client groups, fires the
// steps as their triggers come true (printing the narration and predictions), then evaluates
// the checks on the recorded trace.

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/trace_log.hpp"
#include "scenarios/lessons/lesson.hpp"
#include "scenarios/lessons/lesson_checks.hpp"
#include "scenarios/session/live_session.hpp"

namespace loopscope::scenarios {

// Which server a lesson runs on: Loopscope's as the lesson sets it up, Loopscope's with the
// lesson's handlers served by another model (the same clients against threads: "threads",
// "pool"), or the handlers' CPython asyncio twins ("asyncio").
struct LessonServer {
  ServerBackend backend = ServerBackend::Loopscope;
  std::optional<ServerModel> model;  // Loopscope only: replaces the lesson's own model
};
// "loopscope", "asyncio", "threads" or "pool"; nullopt for anything else.
std::optional<LessonServer> lesson_server_from_name(std::string_view name);
// Why `lesson` cannot run on `server` (a handler the model lacks, a control it has not, a
// lesson about Loopscope's own models on asyncio), or nullopt when it can.
std::optional<std::string> lesson_cannot_run_on(const Lesson& lesson, const LessonServer& server);

struct LessonRunOptions {
  double speed = 1.0;  // < 1 stretches the schedule (slow motion), > 1 compresses it
  bool print_narration = true;
  // Loopscope's C++ server, or the handlers' CPython asyncio twins under the probe.
  ServerBackend backend = ServerBackend::Loopscope;
  // Loopscope: serve the lesson with this model instead of its own (its checks are claims about
  // the lesson's own server, so they may well fail: that is the comparison).
  std::optional<ServerModel> model;
};

struct LessonRunResult {
  std::vector<CheckResult> checks;
  bool timed_out = false;       // the end condition never came true
  std::size_t steps_fired = 0;
  double duration_s = 0;
  trace::TraceLog trace;
  bool passed() const;
};

// Throws std::invalid_argument (with lesson_cannot_run_on's reason) when options.model or
// options.backend cannot run the lesson.
LessonRunResult run_lesson(const Lesson& lesson, const LessonRunOptions& options, std::ostream& out);

void print_check_table(const LessonRunResult& result, std::ostream& out);

}  // namespace loopscope::scenarios
