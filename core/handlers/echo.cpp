// echo: every line comes back as it was sent, until the client closes.
#include "simple_handlers.hpp"

namespace loopscope::handlers {

asio::awaitable<void> echo(StreamReader& reader, StreamWriter& writer) {
  for (;;) {
    std::string line = co_await reader.readline();  // suspends until a whole line is here
    if (line.empty()) break;                         // "" means the client closed
    writer.write(line);                              // staged; never blocks
    co_await writer.drain();                         // waits only if the client reads too slowly
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
