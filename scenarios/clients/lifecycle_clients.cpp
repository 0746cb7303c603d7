// silent, abrupt and half_close: clients that test how the server starts and ends connections.
#include "client_behaviours.hpp"

namespace loopscope::scenarios {

using trace::ClientEnd;

asio::awaitable<ClientEnd> run_silent(ClientSession& session) {
  // Reading is how a client notices that the server closed; it sends nothing at all.
  for (;;) {
    const std::string chunk = co_await session.read_some(4096);
    if (chunk.empty()) co_return ClientEnd::ServerClosed;
  }
}

asio::awaitable<ClientEnd> run_abrupt(ClientSession& session) {
  co_await session.send(session.make_line(0));
  co_await session.pause(session.spec().abort_after);
  session.reset();
  co_return ClientEnd::Reset;
}

asio::awaitable<ClientEnd> run_half_close(ClientSession& session) {
  const int lines = session.spec().lines == 0 ? 1 : session.spec().lines;
  std::string all;
  for (int index = 0; index < lines; ++index) all += session.make_line(index);
  co_await session.send(all);
  session.shutdown_send();  // "no more from me", but keep listening
  for (;;) {
    const std::optional<std::string> reply = co_await session.read_line();
    if (!reply) co_return ClientEnd::Completed;
  }
}

}  // namespace loopscope::scenarios
