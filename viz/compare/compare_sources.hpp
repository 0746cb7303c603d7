#pragma once
// What `loopscope compare A B` (and the picker's "Compare two runs") accepts for A and B, turned
// into a trace: a native trace file, or a built-in lesson's recorded run by the lesson's name.

#include <string>

#include "core/trace/trace_log.hpp"

namespace loopscope::viz {

struct ComparedTrace {
  trace::TraceLog log;
  std::string name;    // what the half's header calls the run: the file name, or the lesson's name
  std::string origin;  // where it came from in full: the path, or "built-in lesson NAME"
};

// A file path is tried first, so a file that happens to share a lesson's name still wins;
// then a built-in lesson's name (scenarios/lessons/builtin_lesson_traces.hpp). Throws std::runtime_error whose message names `source` and says why it was refused (missing
// file, bad magic, checksum, version...).
ComparedTrace load_compared_trace(const std::string& source);

}  // namespace loopscope::viz
