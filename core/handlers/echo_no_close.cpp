// echo_no_close: echo that forgets the cleanup. When the client leaves, the handler returns
// without writer.close() / wait_closed(), and the connection is left open: a leak.
#include "core/handlers/framing_handlers.hpp"

namespace loopscope::handlers {

asio::awaitable<void> echo_no_close(loop::StreamReader& reader, loop::StreamWriter& writer) {
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    writer.write(line);
    co_await writer.drain();
  }
  // Missing: writer.close(); co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
