// readline_timeout: a deadline on every read, and what cancellation looks like.
#include "readline_timeout.hpp"

#include "core/loop/stream_errors.hpp"
#include "core/loop/task_tools.hpp"

namespace loopscope::handlers {

asio::awaitable<void> readline_timeout(loop::StreamReader& reader, loop::StreamWriter& writer,
                                       std::chrono::milliseconds timeout) {
  for (;;) {
    std::string line;
    try {
      line = co_await loop::wait_for(reader.readline(), timeout);
    } catch (const loop::TimeoutError&) {
      // The readline was cancelled before we got here; the connection is still usable.
      writer.write("timeout\n");
      break;
    }
    if (line.empty()) break;
    writer.write(line);
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
