// A chat member who stops reading: the naive broadcast stalls behind it, the fair one not.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {

constexpr int kMessages = 300;
constexpr std::size_t kMessageBytes = 1024;
constexpr int kSmallSocketBufferBytes = 4096;

loopscope::loop::ServerOptions chat_options() {
  loopscope::loop::ServerOptions options;
  options.limits.socket_send_buffer_bytes = kSmallSocketBufferBytes;
  options.limits.high_water_bytes = 16 * 1024;
  options.limits.low_water_bytes = 4 * 1024;
  return options;
}

// Sender sends kMessages lines; returns how many the reading member got within the time.
int messages_reaching_reader(ServerHarness& harness, const std::string& handler) {
  const auto port = harness.start(handler, chat_options());
  LoopbackClient stalled(port, kSmallSocketBufferBytes);  // joins, never reads
  LoopbackClient reader(port);
  LoopbackClient sender(port);
  // The room belongs to the loop thread: ask it there.
  EXPECT_TRUE(testing_::eventually([&] {
    return harness.loop().run_sync([&] { return harness.catalog().chat_room().size(); }) == 3;
  }));
  const std::string message = std::string(kMessageBytes - 1, 'm') + "\n";
  std::thread send_all([&] {
    for (int index = 0; index < kMessages; ++index) sender.send_all(message);
  });
  int received = 0;
  while (received < kMessages) {
    if (!reader.read_line(2s)) break;  // nothing for 2 s: the broadcast is stuck
    ++received;
  }
  // Let the sender finish even if the server stopped reading it: unblock it by closing.
  sender.shutdown_write();
  stalled.reset();
  send_all.join();
  return received;
}

}  // namespace

TEST(Chat, OneNonReadingMemberStallsTheNaiveBroadcastForEveryone) {
  ServerHarness harness;
  const int received = messages_reaching_reader(harness, "chat_naive");
  EXPECT_LT(received, kMessages / 2) << "the naive broadcast should have stalled behind the slow member";
  EXPECT_GT(testing_::count_of(harness.drain(), trace::EventKind::DrainStallBegin), 0u);
}

TEST(Chat, FairBroadcastKeepsServingTheOthers) {
  ServerHarness harness;
  const int received = messages_reaching_reader(harness, "chat_fair");
  EXPECT_EQ(received, kMessages);
  const auto& log = harness.drain();
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::DrainStallBegin), 0u) << "nobody waited on the slow member";
  // The slow member's buffer took the burst instead, past its high-water mark.
  const auto stalled_id = testing_::accepted_connections(log).at(0);
  EXPECT_GT(testing_::peak_buffer_bytes(log, stalled_id, trace::BufferKind::Writer), 16u * 1024);
}

// Guards the bound: a member hopelessly behind misses messages rather than growing forever.
TEST(Chat, FairBroadcastSkipsAMemberBeyondTheBacklogLimit) {
  ServerHarness harness;
  harness.loop().run_sync([&] { harness.catalog().chat_room().member_backlog_limit_bytes = 32 * 1024; });
  messages_reaching_reader(harness, "chat_fair");
  EXPECT_GT(harness.loop().run_sync([&] { return harness.catalog().chat_room().messages_skipped; }), 0u);
  const auto& log = harness.drain();
  const auto stalled_id = testing_::accepted_connections(log).at(0);
  EXPECT_LE(testing_::peak_buffer_bytes(log, stalled_id, trace::BufferKind::Writer), 32u * 1024 + kMessageBytes);
}

// Guards the sender against another member's shutdown: writing to a member that is closing
// must not kill the sender's task (asyncio drops such writes).
TEST(Chat, SenderSurvivesAMemberThatIsClosing) {
  ServerHarness harness;
  const auto port = harness.start("chat_fair", chat_options());
  LoopbackClient leaving(port, kSmallSocketBufferBytes);  // will not read, then says goodbye
  LoopbackClient sender(port);
  ASSERT_TRUE(testing_::eventually([&] {
    return harness.loop().run_sync([&] { return harness.catalog().chat_room().size(); }) == 2;
  }));
  const std::string message = std::string(kMessageBytes - 1, 'm') + "\n";
  for (int index = 0; index < 64; ++index) sender.send_all(message);  // stages bytes for `leaving`
  leaving.shutdown_write();  // its handler closes, but must wait for the staged bytes
  ASSERT_TRUE(testing_::eventually([&] {
    const auto& log = harness.drain();
    for (const auto& event : testing_::events_of(log, trace::EventKind::TaskSuspended)) {
      if (event.detail_as<trace::AwaitKind>() == trace::AwaitKind::WaitClosed) return true;
    }
    return false;
  }));
  sender.send_all(message);  // broadcast while a member is closing
  LoopbackClient listener(port);
  ASSERT_TRUE(testing_::eventually([&] {
    return harness.loop().run_sync([&] { return harness.catalog().chat_room().size(); }) == 3;
  }));
  sender.send_all("hello listener\n");
  EXPECT_EQ(listener.read_line(5s), "hello listener\n") << "the sender's task should still be serving";
  const auto& log = harness.drain();
  const auto sender_id = testing_::accepted_connections(log).at(1);
  EXPECT_FALSE(testing_::exit_reason_of(log, sender_id).has_value());
  leaving.reset();
}
