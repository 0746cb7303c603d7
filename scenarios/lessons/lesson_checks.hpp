#pragma once
// Evaluates a lesson's checks against the trace model: the same model the timeline draws.

#include <string>
#include <vector>

#include "core/model/trace_model.hpp"
#include "scenarios/lessons/lesson.hpp"

namespace loopscope::scenarios {

struct CheckResult {
  std::string name;
  std::string measured;  // "p95 latency of fast: 2.10 ms", or why nothing could be measured
  std::string expected;  // "at most 50"
  bool passed = false;
};

CheckResult evaluate_check(const LessonCheck& check, const model::TraceModel& model);

}  // namespace loopscope::scenarios
