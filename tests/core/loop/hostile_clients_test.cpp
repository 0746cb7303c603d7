// Hostile clients against the real server: each test runs one kind of abuse and, throughout, a
// well-behaved client must still be answered, nothing may crash, and memory stays bounded.
//
// The bound, and why: a connection's reader buffer holds at most twice the line limit plus one
// socket read (the read-ahead stops there and leaves the rest in the kernel, which pushes back
// on the sender); a handler that drains holds at most the high-water mark plus one write in its
// writer buffer; and at most --max-connections connections exist at once (the rest are closed
// as they arrive). So the server's own buffers are bounded by max_connections x (2 x limit +
// 64 KiB + high water + one write), whatever the clients send.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {

constexpr std::size_t kLimit_bytes = 1024;
constexpr std::size_t kOneRead_bytes = 64 * 1024;

loopscope::loop::ServerOptions hostile_options(std::size_t max_connections = 1024) {
  loopscope::loop::ServerOptions options;
  options.limits.line_limit_bytes = kLimit_bytes;
  options.max_connections = max_connections;
  return options;
}

// The well-behaved client every test keeps asking: the server still answers it.
void expect_answered(LoopbackClient& client, const std::string& what) {
  client.send_all("still there?\n");
  EXPECT_EQ("still there?\n", client.read_line(10s).value_or("(no answer)")) << what;
}

void expect_reader_buffers_bounded(const trace::TraceLog& log) {
  for (const auto id : testing_::accepted_connections(log)) {
    EXPECT_LE(testing_::peak_buffer_bytes(log, id, trace::BufferKind::Reader), 2 * kLimit_bytes + kOneRead_bytes)
        << "connection " << id;
  }
}

}  // namespace

TEST(HostileClients, BinaryGarbageAndTelnetNegotiationAreJustBytes) {
  ServerHarness harness;
  const auto port = harness.start("echo", hostile_options());
  LoopbackClient good(port);
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    LoopbackClient noisy(port);
    std::string garbage(3000, '\0');
    for (char& byte : garbage) byte = static_cast<char>(random());
    noisy.send_all(garbage);
    // Telnet's IAC DO TERMINAL-TYPE, IAC WILL ECHO: no meaning to a line server.
    noisy.send_all(std::string("\xff\xfd\x18\xff\xfb\x01", 6) + "\n");
    noisy.reset();
  }
  expect_answered(good, "after binary garbage and telnet bytes");
  expect_reader_buffers_bounded(harness.drain());
}

TEST(HostileClients, ASlowlorisNeverFinishingALineDoesNotHoldUpOthers) {
  ServerHarness harness;
  const auto port = harness.start("echo", hostile_options());
  LoopbackClient good(port);
  LoopbackClient slowloris(port);
  // One byte at a time, never a newline (a second apart in the wild; 20 ms here, bounded).
  for (int byte = 0; byte < 50; ++byte) {
    slowloris.send_all("z");
    if (byte % 10 == 0) expect_answered(good, "while the slowloris dribbles");
    std::this_thread::sleep_for(20ms);
  }
  expect_answered(good, "after the slowloris");
  const auto& log = harness.drain();
  const auto ids = testing_::accepted_connections(log);
  ASSERT_EQ(2u, ids.size());
  EXPECT_LE(testing_::peak_buffer_bytes(log, ids[1], trace::BufferKind::Reader), 50u) << "it holds what it sent, no more";
}

TEST(HostileClients, AThousandConnectionsOpenedAndResetLeaveNothingBehind) {
  ServerHarness harness;
  const auto port = harness.start("echo", hostile_options());
  LoopbackClient good(port);
  for (int index = 0; index < 1000; ++index) {
    LoopbackClient gone(port);
    if (index % 2 == 0) gone.send_all("half a li");
    gone.reset();
  }
  expect_answered(good, "after 1000 resets");
  EXPECT_TRUE(testing_::eventually([&] { return harness.server().open_connections() == 1; }, 20s))
      << "every reset connection is forgotten; open: " << harness.server().open_connections();
}

TEST(HostileClients, AFloodPastTheCapIsClosedAtOnceAndTheServedAreServed) {
  ServerHarness harness;
  constexpr std::size_t kCap = 50;
  const auto port = harness.start("echo", hostile_options(kCap));
  LoopbackClient good(port);
  std::vector<LoopbackClient> flood;
  for (std::size_t index = 0; index < 3 * kCap; ++index) flood.emplace_back(port);
  EXPECT_TRUE(testing_::eventually([&] { return harness.server().open_connections() <= kCap; }));
  EXPECT_LE(harness.server().open_connections(), kCap);
  expect_answered(good, "with the server full");
  ASSERT_TRUE(testing_::eventually([&] {
    return testing_::count_of(harness.drain(), trace::EventKind::ConnectionRefused) >= 2 * kCap;
  }));
  flood.clear();  // they leave; there is room again
  EXPECT_TRUE(testing_::eventually([&] { return harness.server().open_connections() == 1; }, 20s));
  LoopbackClient later(port);
  expect_answered(later, "a newcomer once the flood left");
}

TEST(HostileClients, HalfOpenSocketsAreClosedOnceTheirLinesAreAnswered) {
  ServerHarness harness;
  const auto port = harness.start("echo", hostile_options());
  LoopbackClient good(port);
  std::vector<LoopbackClient> half_open;
  for (int index = 0; index < 20; ++index) {
    half_open.emplace_back(port);
    half_open.back().send_all("last words\n");
    half_open.back().shutdown_write();  // and never reads
  }
  expect_answered(good, "with twenty half-open sockets");
  // asyncio: readline() returns b"" at EOF, the echo handler closes: the server ends each one.
  EXPECT_TRUE(testing_::eventually([&] { return harness.server().open_connections() == 1; }, 20s));
}

TEST(HostileClients, AClientThatStopsReadingIsHeldAtHighWaterNotBuffered) {
  ServerHarness harness;
  const auto port = harness.start("echo", hostile_options());
  LoopbackClient good(port);
  LoopbackClient hoarder(port, 4096);  // a small receive buffer, and it never reads
  const std::string line(1000, 'h');
  std::size_t sent = 0;
  // Bounded: 8 MiB of lines, far past the kernel's buffers and the high-water mark.
  for (int index = 0; index < 8000; ++index) {
    if (::send(hoarder.fd(), (line + "\n").data(), line.size() + 1, MSG_DONTWAIT) <= 0) break;
    sent += line.size() + 1;
  }
  expect_answered(good, "while one client hoards replies");
  const auto& log = harness.drain();
  const auto ids = testing_::accepted_connections(log);
  ASSERT_EQ(2u, ids.size());
  const auto writer_peak = testing_::peak_buffer_bytes(log, ids[1], trace::BufferKind::Writer);
  EXPECT_LE(writer_peak, 64u * 1024u + 2 * kLimit_bytes) << "drain() held it at high water; sent " << sent;
  expect_reader_buffers_bounded(log);
}
