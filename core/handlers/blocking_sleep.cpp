// blocking_sleep: the mistake every freeze lesson starts from.
#include "blocking_handlers.hpp"
#include "core/loop/task_tools.hpp"

namespace loopscope::handlers {

asio::awaitable<void> blocking_sleep(loop::StreamReader& reader, loop::StreamWriter& writer,
                                     std::chrono::milliseconds delay) {
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    loop::block_loop_for(delay);  // like time.sleep(): no await, so no other task can run
    writer.write("slept:" + line);
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
