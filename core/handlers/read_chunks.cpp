// read_chunks: the seeds' reader.read(100) server. No framing: each read returns whatever
// bytes happened to arrive, so one message can come in pieces and several can come as one.
#include "core/handlers/framing_handlers.hpp"

namespace loopscope::handlers {

asio::awaitable<void> read_chunks(loop::StreamReader& reader, loop::StreamWriter& writer) {
  for (;;) {
    const std::string chunk = co_await reader.read(100);  // up to 100 bytes, as soon as any arrive
    if (chunk.empty()) break;
    writer.write("got " + std::to_string(chunk.size()) + " bytes\n");
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace loopscope::handlers
