// Round trips through the simple handlers on real loopback sockets.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;

TEST(RoundTrip, EchoSendsEachLineBack) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo"));
  client.send_all("hello\n");
  EXPECT_EQ(client.read_line(), "hello\n");
  client.send_all("second line\n");
  EXPECT_EQ(client.read_line(), "second line\n");
}

TEST(RoundTrip, UpperCapitalisesLikeTheSeedsServer) {
  ServerHarness harness;
  LoopbackClient client(harness.start("upper"));
  client.send_all("Mixed case 123\n");
  EXPECT_EQ(client.read_line(), "MIXED CASE 123\n");
}

// asyncio's twin writes data.upper() on bytes: only a-z change; UTF-8 and every other byte
// pass through untouched (b"\xc3\xa9t\xc3\xa9".upper() == b"\xc3\xa9T\xc3\xa9").
TEST(RoundTrip, UpperChangesOnlyAsciiLettersAsBytesUpperDoes) {
  ServerHarness harness;
  LoopbackClient client(harness.start("upper"));
  client.send_all("\xc3\xa9t\xc3\xa9 \x7f\xff{z}\n");
  EXPECT_EQ(client.read_line(), "\xc3\xa9T\xc3\xa9 \x7f\xff{Z}\n");
}

TEST(RoundTrip, AckPrefixesAndStripsTheLine) {
  ServerHarness harness;
  LoopbackClient client(harness.start("ack"));
  client.send_all("  order 66 \r\n");
  EXPECT_EQ(client.read_line(), "ack:order 66\n");
}

// Guards against readline returning a partial line when a line arrives in pieces.
TEST(RoundTrip, LineSplitAcrossManyReadsArrivesWhole) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo"));
  // Each piece is sent only after the server has read the previous one, so the pieces cannot
  // merge into one read however busy the machine is.
  std::size_t pieces_sent = 0;
  for (const char* piece : {"sp", "lit ", "across ", "reads\n"}) {
    client.send_all(piece);
    ++pieces_sent;
    ASSERT_TRUE(loopscope::testing::eventually([&] {
      return loopscope::testing::count_of(harness.drain(), loopscope::trace::EventKind::BytesReceived) >= pieces_sent;
    }));
  }
  EXPECT_EQ(client.read_line(), "split across reads\n");
  // The handler really did suspend more than once for that one line.
  const auto& log = harness.drain();
  const auto ids = loopscope::testing::accepted_connections(log);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_GE(loopscope::testing::count_of(log, loopscope::trace::EventKind::TaskSuspended, ids[0]), 4u);
}

// Guards against dropping the lines after the first when several come in one segment.
TEST(RoundTrip, SeveralLinesInOneReadAreAnsweredInOrder) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo"));
  client.send_all("one\ntwo\nthree\n");
  EXPECT_EQ(client.read_line(), "one\n");
  EXPECT_EQ(client.read_line(), "two\n");
  EXPECT_EQ(client.read_line(), "three\n");
}

TEST(RoundTrip, ClientEofEndsTheTaskAsPeerEofAndClosesCleanly) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo"));
  client.send_all("bye\n");
  EXPECT_EQ(client.read_line(), "bye\n");
  client.shutdown_write();
  std::string rest;
  EXPECT_TRUE(client.read_until_eof(rest));
  EXPECT_TRUE(loopscope::testing::eventually([&] {
    const auto& log = harness.drain();
    return loopscope::testing::settled_connections(log) == 1;
  }));
  const auto& log = harness.drain();
  const auto id = loopscope::testing::accepted_connections(log).at(0);
  EXPECT_EQ(loopscope::testing::exit_reason_of(log, id), loopscope::trace::ExitReason::PeerEof);
  const auto closed = loopscope::testing::events_of(log, loopscope::trace::EventKind::ConnectionClosed, id);
  EXPECT_EQ(closed.at(0).detail_as<loopscope::trace::CloseReason>(), loopscope::trace::CloseReason::Closed);
}

TEST(RoundTrip, ManyClientsAreServedConcurrently) {
  ServerHarness harness;
  const auto port = harness.start("echo");
  std::vector<LoopbackClient> clients;
  for (int index = 0; index < 50; ++index) clients.emplace_back(port);
  for (int index = 0; index < 50; ++index) clients[index].send_all("client " + std::to_string(index) + "\n");
  for (int index = 0; index < 50; ++index) {
    EXPECT_EQ(clients[index].read_line(), "client " + std::to_string(index) + "\n");
  }
}
