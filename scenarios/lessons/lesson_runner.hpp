#pragma once
// Runs a lesson headless on real sockets: starts the server and the client groups, fires the
// steps as their triggers come true (printing the narration and predictions), then evaluates
// the checks on the recorded trace.

#include <ostream>
#include <string>
#include <vector>

#include "core/trace/trace_log.hpp"
#include "scenarios/lessons/lesson.hpp"
#include "scenarios/lessons/lesson_checks.hpp"
#include "scenarios/session/live_session.hpp"

namespace loopscope::scenarios {

struct LessonRunOptions {
  double speed = 1.0;  // < 1 stretches the schedule (slow motion), > 1 compresses it
  bool print_narration = true;
  // Loopscope's C++ server, or the handlers' CPython asyncio twins under the probe.
  ServerBackend backend = ServerBackend::Loopscope;
};

struct LessonRunResult {
  std::vector<CheckResult> checks;
  bool timed_out = false;       // the end condition never came true
  std::size_t steps_fired = 0;
  double duration_s = 0;
  trace::TraceLog trace;
  bool passed() const;
};

LessonRunResult run_lesson(const Lesson& lesson, const LessonRunOptions& options, std::ostream& out);

void print_check_table(const LessonRunResult& result, std::ostream& out);

}  // namespace loopscope::scenarios
