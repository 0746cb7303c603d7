// write_without_drain: what happens when writes never meet a drain().
#include "write_without_drain.hpp"

#include <string>

namespace loopscope::handlers {

asio::awaitable<void> write_without_drain(loop::StreamReader& reader, loop::StreamWriter& writer,
                                          std::size_t reply_bytes) {
  const std::string reply(reply_bytes - 1, '#');
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    writer.write(reply + "\n");  // no drain(): nothing ever makes this task wait for the client
  }
  writer.close();
  co_await writer.wait_closed();
}

asio::awaitable<void> write_with_drain(loop::StreamReader& reader, loop::StreamWriter& writer,
                                       std::size_t reply_bytes) {
  const std::string reply(reply_bytes - 1, '#');
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    writer.write(reply + "\n");
    co_await writer.drain();  // above high-water: wait here until the client catches up
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
