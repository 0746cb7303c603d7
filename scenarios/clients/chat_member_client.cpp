// chat_member: talks and listens at the same time, as a chat client does.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <memory>

#include "client_behaviours.hpp"

namespace loopscope::scenarios {

using trace::ClientEnd;

namespace {
// Reads everything the room sends until the connection closes. Holds the session, so the
// session outlives its last read even after the talking half has returned.
asio::awaitable<void> listen(std::shared_ptr<ClientSession> session, std::shared_ptr<bool> closed) {
  try {
    for (;;) {
      const std::optional<std::string> line = co_await session->read_line();
      if (!line) break;
    }
  } catch (const std::system_error&) {
    // Closed under us when the member stopped: nothing left to read.
  }
  *closed = true;
}
}  // namespace

asio::awaitable<ClientEnd> run_chat_member(ClientSession& session) {
  const ClientSpec& spec = session.spec();
  auto closed = std::make_shared<bool>(false);
  if (spec.read_replies) {
    const auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(executor, listen(session.shared_from_this(), closed), asio::detached);
  }
  for (int index = 0; spec.lines == 0 || index < spec.lines; ++index) {
    if (*closed) co_return ClientEnd::ServerClosed;
    co_await session.send(session.make_line(index));
    co_await session.pause(spec.think);
  }
  co_return ClientEnd::Completed;
}

}  // namespace loopscope::scenarios
