// upper: the seeds' first server, writer.write(data.upper()), kept going line after line.
#include <algorithm>
#include <cctype>

#include "simple_handlers.hpp"

namespace loopscope::handlers {

asio::awaitable<void> upper(StreamReader& reader, StreamWriter& writer) {
  for (;;) {
    std::string line = co_await reader.readline();
    if (line.empty()) break;
    std::transform(line.begin(), line.end(), line.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    writer.write(line);
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
