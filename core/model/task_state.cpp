#include "task_state.hpp"

#include <array>

namespace loopscope::model {

namespace {
constexpr std::array<std::string_view, kTaskStateCount> kNames = {
    "running", "awaiting_read", "awaiting_drain", "awaiting_timer",
    "awaiting_worker", "awaiting_close", "awaiting_other", "exited", "runnable"};
}  // namespace

TaskState state_for_await(trace::AwaitKind kind) {
  switch (kind) {
    case trace::AwaitKind::Readline:
    case trace::AwaitKind::Read:
    case trace::AwaitKind::ReadExactly:
    case trace::AwaitKind::ReadUntil:
    case trace::AwaitKind::Recv: return TaskState::AwaitingRead;
    // A thread blocked in send() is the threaded form of a drain stall: the client is slow.
    case trace::AwaitKind::Drain:
    case trace::AwaitKind::Send: return TaskState::AwaitingDrain;
    case trace::AwaitKind::Sleep: return TaskState::AwaitingTimer;
    case trace::AwaitKind::Offload:
    case trace::AwaitKind::PoolQueue: return TaskState::AwaitingWorker;
    case trace::AwaitKind::WaitClosed: return TaskState::AwaitingClose;
    case trace::AwaitKind::None:
    case trace::AwaitKind::OtherTask:
    case trace::AwaitKind::WaitFor:
    case trace::AwaitKind::Other: break;
  }
  return TaskState::AwaitingOther;
}

std::string_view task_state_name(TaskState state) { return kNames[static_cast<std::size_t>(state)]; }

bool parse_task_state(std::string_view name, TaskState& state) {
  for (std::size_t index = 0; index < kNames.size(); ++index) {
    if (kNames[index] == name) {
      state = static_cast<TaskState>(index);
      return true;
    }
  }
  return false;
}

}  // namespace loopscope::model
