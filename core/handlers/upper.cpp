// upper: the seeds' first server, writer.write(data.upper()), kept going line after line.
#include "ascii_upper.hpp"
#include "simple_handlers.hpp"

namespace loopscope::handlers {

asio::awaitable<void> upper(StreamReader& reader, StreamWriter& writer) {
  for (;;) {
    std::string line = co_await reader.readline();
    if (line.empty()) break;
    upper_case_ascii(line);  // as bytes.upper(): ASCII letters only
    writer.write(line);
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
