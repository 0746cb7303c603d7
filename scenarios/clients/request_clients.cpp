// fast, trickle and burst: clients that send requests and wait for answers.
#include "client_behaviours.hpp"

namespace loopscope::scenarios {

using trace::ClientEnd;

asio::awaitable<ClientEnd> run_fast(ClientSession& session) {
  const int lines = session.spec().lines;
  for (int index = 0; lines == 0 || index < lines; ++index) {
    const std::optional<std::string> reply = co_await session.request(session.make_line(index));
    if (!reply) co_return ClientEnd::ServerClosed;
    co_await session.pause(session.spec().think);
  }
  session.shutdown_send();
  co_return ClientEnd::Completed;
}

asio::awaitable<ClientEnd> run_trickle(ClientSession& session) {
  const ClientSpec& spec = session.spec();
  const std::size_t chunk_bytes = spec.chunk_bytes == 0 ? 1 : spec.chunk_bytes;
  for (int index = 0; spec.lines == 0 || index < spec.lines; ++index) {
    const std::string line = session.make_line(index);
    // All but the last piece go out slowly; the last one is sent as the timed request, so the
    // recorded latency is the server's answer time, not our own dawdling.
    std::size_t offset = 0;
    while (line.size() - offset > chunk_bytes) {
      co_await session.send(std::string_view(line).substr(offset, chunk_bytes));
      offset += chunk_bytes;
      co_await session.pause(spec.chunk_interval);
    }
    const std::optional<std::string> reply = co_await session.request(std::string_view(line).substr(offset));
    if (!reply) co_return ClientEnd::ServerClosed;
  }
  session.shutdown_send();
  co_return ClientEnd::Completed;
}

asio::awaitable<ClientEnd> run_burst(ClientSession& session) {
  const int lines = session.spec().lines == 0 ? 100 : session.spec().lines;
  std::string all;
  for (int index = 0; index < lines; ++index) all += session.make_line(index);
  co_await session.send(all);
  for (int index = 0; index < lines; ++index) {
    const std::optional<std::string> reply = co_await session.read_line();
    if (!reply) co_return ClientEnd::ServerClosed;
  }
  session.shutdown_send();
  co_return ClientEnd::Completed;
}

}  // namespace loopscope::scenarios
