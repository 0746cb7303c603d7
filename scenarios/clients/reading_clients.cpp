// slow_reader and stalled_reader: clients whose reading pace creates backpressure.
#include <algorithm>

#include "client_behaviours.hpp"

namespace loopscope::scenarios {

using trace::ClientEnd;

namespace {
constexpr std::chrono::milliseconds kReadTick{100};

asio::awaitable<void> send_all_lines(ClientSession& session) {
  const int lines = session.spec().lines == 0 ? 1 : session.spec().lines;
  std::string all;
  for (int index = 0; index < lines; ++index) all += session.make_line(index);
  co_await session.send(all);
}
}  // namespace

asio::awaitable<ClientEnd> run_slow_reader(ClientSession& session) {
  co_await send_all_lines(session);
  session.shutdown_send();  // the server finishes its replies, then closes
  // Read a tick's worth at a time: read_bytes_per_second on average, never faster.
  const std::size_t per_tick_bytes =
      std::max<std::size_t>(1, session.spec().read_bytes_per_second * kReadTick.count() / 1000);
  for (;;) {
    std::size_t this_tick_bytes = 0;
    while (this_tick_bytes < per_tick_bytes) {
      const std::string chunk = co_await session.read_some(per_tick_bytes - this_tick_bytes);
      if (chunk.empty()) co_return ClientEnd::Completed;
      this_tick_bytes += chunk.size();
    }
    co_await session.pause(kReadTick);
  }
}

asio::awaitable<ClientEnd> run_stalled_reader(ClientSession& session) {
  co_await send_all_lines(session);
  if (session.spec().stall.count() == 0) {
    // Never reads: the pool stops us. Wait in a timer, not in a read, so nothing is consumed.
    const std::chrono::milliseconds forever = std::chrono::hours(1);
    while (true) {
      co_await session.pause(forever);
    }
  }
  co_await session.pause(session.spec().stall);
  session.shutdown_send();
  for (;;) {
    const std::string chunk = co_await session.read_some(64 * 1024);
    if (chunk.empty()) co_return ClientEnd::Completed;
  }
}

}  // namespace loopscope::scenarios
