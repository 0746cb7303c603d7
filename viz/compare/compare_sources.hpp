#pragma once
// What `loopscope compare A B` (and the picker's "Compare two runs") accepts for A and B, turned
// into a trace: a native trace file, or a built-in lesson's recorded run by the lesson's name.

#include <string>

#include "core/trace/trace_log.hpp"
#include "scenarios/lessons/lesson_runner.hpp"

namespace loopscope::viz {

struct ComparedTrace {
  trace::TraceLog log;
  std::string name;    // what the half's header calls the run: the file name, or the lesson's name
  std::string origin;  // where it came from in full: the path, or "built-in lesson NAME"
};

// A file path is tried first, so a file that happens to share a lesson's name still wins;
// then a built-in lesson's name (scenarios/lessons/builtin_lesson_traces.hpp). Throws std::runtime_error whose message names `source` and says why it was refused (missing
// file, bad magic, checksum, version...).
//
// A `lesson_server` other than the default (the shipped recorded run) turns a built-in lesson's
// name into a run of that lesson, live and headless (it takes the lesson's length, up to its
// timeout): against the handlers' CPython asyncio twins, or with its handlers served by a thread
// per connection or a pool, so one lesson's loop and asyncio or threaded runs can be set side
// by side. A file is a file whatever it says.
ComparedTrace load_compared_trace(const std::string& source, const scenarios::LessonServer& lesson_server = {});

}  // namespace loopscope::viz
