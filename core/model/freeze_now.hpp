#pragma once
// The freeze going on now, if any, as the panels show it: for how long the loop has been
// stuck, in which task, at which line. A live session of Loopscope's own server fills it from
// its watchdog (which knows before the model does); everything else, replays and a probed
// asyncio server, reads it from the model's open freeze.

#include <cstdint>
#include <string>

#include "core/model/trace_model.hpp"
#include "core/trace/trace_log.hpp"

namespace loopscope::model {

struct FreezeNow {
  bool frozen = false;
  std::uint64_t frozen_for_ns = 0;  // grows while the freeze lasts
  std::uint32_t task = 0;           // 0: not a task
  std::string site;                 // "blocking_sleep.cpp:42", "my_server.py:9"
  std::string function;             // as recorded (a C++ signature or a Python name); may be empty
};

// The model's newest freeze when it is still open at `now_ns` (only the newest can be: a
// FreezeEnd closes the latest one).
FreezeNow open_freeze_at(const TraceModel& model, const trace::TraceLog& log, std::uint64_t now_ns);

}  // namespace loopscope::model
