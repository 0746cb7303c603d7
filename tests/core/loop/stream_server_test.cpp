// StreamServer: the connection cap, shutdown, leaked connections, binding, live socket buffers.
#include <gtest/gtest.h>

#include "tests/support/kernel_buffer_sizes.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <utility>

#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::loop::StreamReader;
using loopscope::loop::StreamWriter;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

TEST(StreamServer, BindsLoopbackAndAPortOfItsOwnByDefault) {
  ServerHarness harness;
  const auto port = harness.start("echo");
  EXPECT_NE(port, 0);
  EXPECT_EQ(harness.server().local_endpoint().address().to_string(), "127.0.0.1");
}

TEST(StreamServer, AddressInUseIsAClearError) {
  ServerHarness harness;
  const auto port = harness.start("echo");
  auto handler = harness.catalog().make("echo");
  loopscope::loop::ServerOptions options;
  options.port = port;
  loopscope::loop::StreamServer second(harness.loop(), options, *handler, "echo");
  EXPECT_THROW(second.start(), std::system_error);
}

// Guards the cap: the connection past it is closed at once, recorded, and the others served.
TEST(StreamServer, ConnectionsPastTheCapAreClosedAtOnceAndRecorded) {
  ServerHarness harness;
  loopscope::loop::ServerOptions options;
  options.max_connections = 2;
  const auto port = harness.start("echo", options);
  LoopbackClient first(port);
  LoopbackClient second(port);
  ASSERT_TRUE(testing_::eventually([&] { return harness.server().open_connections() == 2; }));
  LoopbackClient refused(port);
  std::string received;
  EXPECT_TRUE(refused.read_until_eof(received, 5s)) << "the refused connection should be closed at once";
  first.send_all("a\n");
  EXPECT_EQ(first.read_line(), "a\n");
  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(harness.drain(), trace::EventKind::ConnectionRefused) == 1; }));
  EXPECT_EQ(testing_::accepted_connections(harness.drain()).size(), 2u);

  // Once one leaves, there is room again.
  first.shutdown_write();
  std::string rest;
  EXPECT_TRUE(first.read_until_eof(rest));
  ASSERT_TRUE(testing_::eventually([&] { return harness.server().open_connections() == 1; }));
  LoopbackClient third(port);
  third.send_all("b\n");
  EXPECT_EQ(third.read_line(), "b\n");
}

// Guards shutdown: tasks parked in readline are cancelled and their connections closed.
TEST(StreamServer, CloseCancelsWaitingTasksAndClosesTheirConnections) {
  ServerHarness harness;
  const auto port = harness.start("echo");
  LoopbackClient one(port);
  LoopbackClient two(port);
  ASSERT_TRUE(testing_::eventually([&] { return harness.server().open_connections() == 2; }));
  harness.server().close(1000ms);
  std::string rest;
  EXPECT_TRUE(one.read_until_eof(rest, 5s));
  EXPECT_TRUE(two.read_until_eof(rest, 5s));
  const auto& log = harness.drain();
  for (const auto id : testing_::accepted_connections(log)) {
    EXPECT_EQ(testing_::exit_reason_of(log, id), trace::ExitReason::Cancelled);
    EXPECT_EQ(testing_::count_of(log, trace::EventKind::AwaitCancelled, id), 1u);
    EXPECT_EQ(testing_::count_of(log, trace::EventKind::ConnectionClosed, id), 1u);
  }
  EXPECT_EQ(harness.server().open_connections(), 0u);
}

namespace {
// Forgets writer.close(): the connection outlives its handler.
asio::awaitable<void> forgetful(StreamReader& reader, StreamWriter& writer) {
  const std::string line = co_await reader.readline();
  writer.write(line);
  co_await writer.drain();
}
}  // namespace

TEST(StreamServer, HandlerThatForgetsToCloseLeaksUntilShutdown) {
  ServerHarness harness;
  LoopbackClient client(harness.start(forgetful, "forgetful"));
  client.send_all("hi\n");
  EXPECT_EQ(client.read_line(), "hi\n");
  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(harness.drain(), trace::EventKind::TaskExited) == 1; }));
  EXPECT_EQ(harness.server().open_connections(), 1u) << "nobody closed it, so it is still open";
  EXPECT_EQ(client.read_some(16, 100ms), "");
  harness.server().close(500ms);
  const auto& log = harness.drain();
  const auto closed = testing_::events_of(log, trace::EventKind::ConnectionClosed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].detail_as<trace::CloseReason>(), trace::CloseReason::Leaked);
}

TEST(StreamServer, RecordsTheTaskLifecycleOfOneConnection) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo"));
  client.send_all("x\n");
  EXPECT_EQ(client.read_line(), "x\n");
  client.shutdown_write();
  std::string rest;
  EXPECT_TRUE(client.read_until_eof(rest));
  ASSERT_TRUE(testing_::eventually([&] { return testing_::settled_connections(harness.drain()) == 1; }));
  const auto& log = harness.drain();
  const auto id = testing_::accepted_connections(log).at(0);
  std::vector<trace::EventKind> lifecycle;
  for (const auto& event : log.events) {
    if (event.subject_id != id) continue;
    switch (event.kind) {
      case trace::EventKind::ConnectionAccepted:
      case trace::EventKind::TaskSpawned:
      case trace::EventKind::TaskExited:
      case trace::EventKind::ConnectionClosed: lifecycle.push_back(event.kind); break;
      default: break;
    }
  }
  const std::vector<trace::EventKind> expected = {trace::EventKind::ConnectionAccepted, trace::EventKind::TaskSpawned,
                                                  trace::EventKind::ConnectionClosed, trace::EventKind::TaskExited};
  EXPECT_EQ(lifecycle, expected);
  // Accepted and closed both name the peer: 127.0.0.1 and the client's own port.
  const auto accepted = testing_::events_of(log, trace::EventKind::ConnectionAccepted, id).at(0);
  const auto closed = testing_::events_of(log, trace::EventKind::ConnectionClosed, id).at(0);
  EXPECT_EQ(accepted.value, 0x7f000001u);
  EXPECT_NE(accepted.aux, 0);
  EXPECT_EQ(closed.value, accepted.value);
  EXPECT_EQ(closed.aux, accepted.aux);
  // Every suspension is matched by a resume, at a site in the handler's source.
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::TaskSuspended, id), testing_::count_of(log, trace::EventKind::TaskResumed, id));
  for (const auto& event : testing_::events_of(log, trace::EventKind::TaskSuspended, id)) {
    EXPECT_NE(log.site_text(event.site_id).find("echo.cpp"), std::string::npos) << log.site_text(event.site_id);
  }
  EXPECT_GT(testing_::count_of(log, trace::EventKind::HandlerInvoked), 0u);
}

// Guards the live socket-buffer control: it reaches connections accepted after it (and only
// those), and unsetting it gives new connections the kernel's choice again.
TEST(StreamServer, SocketBufferChangeAppliesToConnectionsAcceptedAfterIt) {
  constexpr int kAskedBytes = 4096;
  const auto [expected_send, expected_receive] = loopscope::testing::kernel_buffer_sizes_for(kAskedBytes);
  ServerHarness harness;
  const auto port = harness.start("echo");
  const auto connect_and_echo = [&](std::size_t expected_accepted) {
    auto client = std::make_unique<LoopbackClient>(port);
    client->send_all("x\n");
    EXPECT_EQ(client->read_line(), "x\n");
    EXPECT_TRUE(testing_::eventually([&] { return testing_::accepted_connections(harness.drain()).size() == expected_accepted; }));
    return client;
  };
  const auto post_and_wait = [&](std::optional<int> send, std::optional<int> receive) {
    std::atomic<bool> applied{false};
    harness.server().post_set_socket_buffers(send, receive, [&applied] { applied = true; });
    EXPECT_TRUE(testing_::eventually([&] { return applied.load(); }));
  };

  const auto before = connect_and_echo(1);
  post_and_wait(kAskedBytes, kAskedBytes);
  const auto after = connect_and_echo(2);
  post_and_wait(std::nullopt, std::nullopt);
  const auto reset = connect_and_echo(3);

  const auto& log = harness.drain();
  const auto ids = testing_::accepted_connections(log);
  ASSERT_EQ(ids.size(), 3u);
  const auto default_sizes = testing_::recorded_socket_buffers(log, ids[0]);
  const auto changed_sizes = testing_::recorded_socket_buffers(log, ids[1]);
  EXPECT_EQ(changed_sizes.first, expected_send);
  EXPECT_EQ(changed_sizes.second, expected_receive);
  EXPECT_EQ(testing_::recorded_socket_buffers(log, ids[2]), default_sizes) << "unset means the kernel's choice again";
  // The connection accepted before the change still works with what it had.
  before->send_all("y\n");
  EXPECT_EQ(before->read_line(), "y\n");
}
