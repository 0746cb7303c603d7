#pragma once
// Why a task is (not) running at a moment: the colour of its span on the timeline and the
// state lesson checks measure. Derived from the suspension's AwaitKind.

#include <cstdint>
#include <string_view>

#include "core/trace/event_kind.hpp"

namespace loopscope::model {

enum class TaskState : std::uint8_t {
  Running,          // its code is on the loop
  AwaitingRead,     // readline / read / readexactly: waiting for the client
  AwaitingDrain,    // drain(): waiting for the client to take what was written
  AwaitingTimer,    // sleep() or a deadline
  AwaitingWorker,   // to_thread(): waiting for a worker thread
  AwaitingClose,    // wait_closed()
  AwaitingOther,    // anything else (another task)
  Exited,
  Runnable,         // ready (its bytes had arrived) but the loop was busy elsewhere; derived
                    // by spans_with_runnable() for drawing, never stored in a TaskRecord
};

inline constexpr int kTaskStateCount = 9;

TaskState state_for_await(trace::AwaitKind kind);
std::string_view task_state_name(TaskState state);  // "running", "awaiting_read", ...
bool parse_task_state(std::string_view name, TaskState& state);

}  // namespace loopscope::model
