// Each client behaviour against the real server, observed from both sides of the trace.
#include <gtest/gtest.h>

#include "scenarios/clients/client_pool.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::scenarios::ClientPool;
using loopscope::scenarios::ClientSpec;
using loopscope::testing::ServerHarness;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {

struct Rig {
  explicit Rig(const std::string& handler, loopscope::loop::ServerOptions options = {},
               loopscope::handlers::HandlerSettings settings = {})
      : harness(settings), port(harness.start(handler, std::move(options))),
        clients(harness.recorder(), asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {}
  ServerHarness harness;
  std::uint16_t port;
  ClientPool clients;
};

ClientSpec spec(const std::string& behaviour, int lines = 3) {
  ClientSpec client;
  client.behaviour = behaviour;
  client.lines = lines;
  client.think = 10ms;
  client.chunk_interval = 20ms;
  return client;
}

std::uint64_t sum_of(const trace::TraceLog& log, trace::EventKind kind, std::uint32_t subject) {
  std::uint64_t total = 0;
  for (const auto& event : testing_::events_of(log, kind, subject)) total += event.value;
  return total;
}

}  // namespace

TEST(ClientBehaviours, FastRecordsOneReplyLatencyPerRequest) {
  Rig rig("echo");
  const auto id = rig.clients.start(spec("fast", 4));
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  EXPECT_EQ(rig.clients.end_of(id), trace::ClientEnd::Completed);
  const auto& log = rig.harness.drain();
  const auto replies = testing_::events_of(log, trace::EventKind::ClientReply, id);
  ASSERT_EQ(replies.size(), 4u);
  for (const auto& reply : replies) EXPECT_GT(reply.value, 0u);
  // Echo: what the client sent is what it received, and the server saw the same bytes.
  EXPECT_EQ(sum_of(log, trace::EventKind::ClientSent, id), sum_of(log, trace::EventKind::ClientReceived, id));
  EXPECT_EQ(sum_of(log, trace::EventKind::ClientSent, id), 4u * 16);
}

// Guards the link between the two sides: the client's local port is the server's peer port.
TEST(ClientBehaviours, ClientConnectionMatchesTheServersAcceptedConnection) {
  Rig rig("echo");
  const auto id = rig.clients.start(spec("fast", 1));
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  const auto& log = rig.harness.drain();
  const auto connected = testing_::events_of(log, trace::EventKind::ClientConnected, id);
  const auto accepted = testing_::events_of(log, trace::EventKind::ConnectionAccepted);
  ASSERT_EQ(connected.size(), 1u);
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(connected[0].aux, accepted[0].aux);
}

TEST(ClientBehaviours, TrickleMakesTheServerSuspendSeveralTimesPerLine) {
  Rig rig("echo");
  auto trickle = spec("trickle", 1);
  trickle.line_bytes = 12;
  trickle.chunk_bytes = 3;
  const auto id = rig.clients.start(trickle);
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  const auto& log = rig.harness.drain();
  const auto task = testing_::accepted_connections(log).at(0);
  EXPECT_GE(testing_::count_of(log, trace::EventKind::TaskSuspended, task), 4u) << "one readline, four pieces";
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::ClientReply, id), 1u);
}

TEST(ClientBehaviours, BurstGetsEveryReplyBack) {
  Rig rig("upper");
  const auto id = rig.clients.start(spec("burst", 50));
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  EXPECT_EQ(rig.clients.end_of(id), trace::ClientEnd::Completed);
  const auto& log = rig.harness.drain();
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::ClientReceived, id), 50u);
}

TEST(ClientBehaviours, SlowReaderMakesTheServersDrainWait) {
  loopscope::loop::ServerOptions options;
  options.limits.socket_send_buffer_bytes = 8192;
  Rig rig("write_with_drain", options);
  auto slow = spec("slow_reader", 3);
  slow.read_bytes_per_second = 256 * 1024;
  slow.receive_buffer_bytes = 8192;
  const auto id = rig.clients.start(slow);
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }, 20s));
  EXPECT_EQ(rig.clients.end_of(id), trace::ClientEnd::Completed);
  const auto& log = rig.harness.drain();
  EXPECT_GT(testing_::count_of(log, trace::EventKind::DrainStallBegin), 0u);
  EXPECT_EQ(sum_of(log, trace::EventKind::ClientReceived, id), 3u * 64 * 1024);
}

TEST(ClientBehaviours, StalledReaderHoldsItsRepliesUntilStopped) {
  loopscope::loop::ServerOptions options;
  options.limits.socket_send_buffer_bytes = 8192;
  Rig rig("write_with_drain", options);
  auto stalled = spec("stalled_reader", 3);
  stalled.receive_buffer_bytes = 8192;
  const auto id = rig.clients.start(stalled);
  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(rig.harness.drain(), trace::EventKind::DrainStallBegin) > 0; }));
  EXPECT_FALSE(rig.clients.finished(id));
  rig.clients.stop(id);
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  EXPECT_EQ(rig.clients.end_of(id), trace::ClientEnd::Stopped);
}

TEST(ClientBehaviours, SilentClientIsTimedOutByTheServer) {
  loopscope::handlers::HandlerSettings settings;
  settings.read_timeout = 150ms;
  Rig rig("readline_timeout", {}, settings);
  const auto id = rig.clients.start(spec("silent"));
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  EXPECT_EQ(rig.clients.end_of(id), trace::ClientEnd::ServerClosed);
  EXPECT_EQ(testing_::count_of(rig.harness.drain(), trace::EventKind::AwaitCancelled), 1u);
}

TEST(ClientBehaviours, AbruptClientResetsAndTheServerSeesIt) {
  Rig rig("write_with_drain");
  auto abrupt = spec("abrupt");
  abrupt.abort_after = 50ms;
  abrupt.receive_buffer_bytes = 4096;
  const auto id = rig.clients.start(abrupt);
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  EXPECT_EQ(rig.clients.end_of(id), trace::ClientEnd::Reset);
  ASSERT_TRUE(testing_::eventually([&] { return testing_::settled_connections(rig.harness.drain()) == 1; }));
  const auto& log = rig.harness.drain();
  const auto task = testing_::accepted_connections(log).at(0);
  EXPECT_EQ(testing_::exit_reason_of(log, task), trace::ExitReason::Error);
}

TEST(ClientBehaviours, HalfCloseStillGetsItsRepliesAndEof) {
  Rig rig("ack");
  const auto id = rig.clients.start(spec("half_close", 3));
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(id); }));
  EXPECT_EQ(rig.clients.end_of(id), trace::ClientEnd::Completed);
  const auto& log = rig.harness.drain();
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::ClientReceived, id), 3u);
  EXPECT_EQ(testing_::exit_reason_of(log, testing_::accepted_connections(log).at(0)), trace::ExitReason::PeerEof);
}

TEST(ClientBehaviours, ChatMembersHearEachOther) {
  Rig rig("chat_fair");
  auto quiet = spec("chat_member", 0);  // talks until stopped, listens throughout
  quiet.think = 1000ms;
  const auto listener = rig.clients.start(quiet);
  ASSERT_TRUE(testing_::eventually([&] {
    return rig.harness.loop().run_sync([&] { return rig.harness.catalog().chat_room().size(); }) == 1;
  }));
  const auto talker = rig.clients.start(spec("chat_member", 5));
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(talker); }));
  // The talker's messages (and the listener's own first one never comes back to it).
  ASSERT_TRUE(testing_::eventually([&] {
    return testing_::count_of(rig.harness.drain(), trace::EventKind::ClientReceived, listener) >= 5;
  }));
  rig.clients.stop(listener);
  ASSERT_TRUE(testing_::eventually([&] { return rig.clients.finished(listener); }));
}

TEST(ClientBehaviours, UnknownBehaviourIsRefused) {
  Rig rig("echo");
  EXPECT_THROW(rig.clients.start(spec("teleport")), std::invalid_argument);
}
