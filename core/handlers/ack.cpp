// ack: answers each line with "ack:<line>", the reply shape from the seeds' typed handler.
#include "simple_handlers.hpp"

namespace loopscope::handlers {

namespace {
std::string_view strip(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}
}  // namespace

asio::awaitable<void> ack(StreamReader& reader, StreamWriter& writer) {
  for (;;) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break;
    writer.write("ack:" + std::string(strip(line)) + "\n");
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
