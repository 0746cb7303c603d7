#include "task_trace.hpp"

namespace loopscope::loop {

TaskId allocate_task_id() {
  static std::atomic<TaskId> next_id{1};
  return next_id.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace loopscope::loop
