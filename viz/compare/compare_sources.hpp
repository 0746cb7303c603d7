#pragma once
// What `loopscope compare A B` (and the picker's "Compare two runs") accepts for A and B, turned
// into a trace: a native trace file, or a built-in lesson's recorded run by the lesson's name.

#include <string>

#include "core/trace/trace_log.hpp"
#include "scenarios/session/live_session.hpp"

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
// `lesson_server` AsyncioTwins turns a built-in lesson's name into a run of that lesson, live and
// headless, against the handlers' CPython asyncio twins (it takes the lesson's length, up to
// its timeout), so one lesson's C++ and asyncio runs can be set side by side; a file is a file
// whatever it says.
ComparedTrace load_compared_trace(const std::string& source,
                                  scenarios::ServerBackend lesson_server = scenarios::ServerBackend::Loopscope);

}  // namespace loopscope::viz
