// StreamReader on real sockets: the line limit, read(n), readexactly(n), EOF mid-line.
#include <gtest/gtest.h>

#include <thread>

#include "core/loop/stream_errors.hpp"
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

// Guards "an over-long line closes that connection only".
TEST(StreamReader, LineOverTheLimitClosesOnlyThatConnection) {
  ServerHarness harness;
  loopscope::loop::ServerOptions options;
  options.limits.line_limit_bytes = 1024;
  const auto port = harness.start("echo", options);
  LoopbackClient bystander(port);
  LoopbackClient offender(port);
  offender.send_all(std::string(5000, 'x'));  // no newline, five times the limit
  std::string rest;
  EXPECT_TRUE(offender.read_until_eof(rest, 5s)) << "the offending connection must be closed";
  EXPECT_TRUE(rest.empty());

  bystander.send_all("unaffected\n");
  EXPECT_EQ(bystander.read_line(), "unaffected\n");

  const auto& log = harness.drain();
  const auto ids = testing_::accepted_connections(log);
  ASSERT_EQ(ids.size(), 2u);
  const auto offender_id = ids[1];
  EXPECT_EQ(testing_::exit_reason_of(log, offender_id), trace::ExitReason::Error);
  const auto errors = testing_::events_of(log, trace::EventKind::StreamError, offender_id);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].detail_as<trace::StreamErrorKind>(), trace::StreamErrorKind::LineTooLong);
  EXPECT_FALSE(testing_::exit_reason_of(log, ids[0]).has_value()) << "the bystander's task must still run";
}

// asyncio's rule: the limit counts the bytes before the newline (asyncio_parity_test.cpp).
TEST(StreamReader, LineExactlyAtTheLimitIsAccepted) {
  ServerHarness harness;
  loopscope::loop::ServerOptions options;
  options.limits.line_limit_bytes = 100;
  LoopbackClient client(harness.start("echo", options));
  const std::string line = std::string(100, 'y') + "\n";
  client.send_all(line);
  EXPECT_EQ(client.read_line(), line);
}

TEST(StreamReader, LastLineWithoutNewlineIsReturnedAtEof) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo"));
  client.send_all("complete\npartial");
  client.shutdown_write();
  std::string received;
  EXPECT_TRUE(client.read_until_eof(received));
  EXPECT_EQ(received, "complete\npartial");
}

namespace {
// Frames of a fixed size: readexactly(4) for a length, then that many bytes.
asio::awaitable<void> length_prefixed_echo(StreamReader& reader, StreamWriter& writer) {
  for (;;) {
    std::string header;
    try {
      header = co_await reader.readexactly(4);
    } catch (const loopscope::loop::IncompleteReadError& error) {
      writer.write("incomplete:" + std::to_string(error.partial.size()) + "\n");
      break;
    }
    const std::size_t length = std::stoul(header);
    std::string body = co_await reader.readexactly(length);
    writer.write("[" + body + "]");
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

// read(100) as in the seeds: whatever arrived, up to 100 bytes, no framing at all.
asio::awaitable<void> chunk_echo(StreamReader& reader, StreamWriter& writer) {
  for (;;) {
    const std::string chunk = co_await reader.read(100);
    if (chunk.empty()) break;
    writer.write("<" + std::to_string(chunk.size()) + ">");
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}
}  // namespace

TEST(StreamReader, ReadexactlyWaitsForTheWholeFrame) {
  ServerHarness harness;
  LoopbackClient client(harness.start(length_prefixed_echo, "length_prefixed_echo"));
  client.send_all("0005he");
  std::this_thread::sleep_for(30ms);
  client.send_all("llo0002ok");
  // The two replies may arrive in one segment or two; together they must be exactly this.
  std::string replies;
  for (int attempt = 0; attempt < 20 && replies.size() < 11; ++attempt) replies += client.read_some(64, 250ms);
  EXPECT_EQ(replies, "[hello][ok]");
}

TEST(StreamReader, ReadexactlyReportsHowMuchArrivedBeforeEof) {
  ServerHarness harness;
  LoopbackClient client(harness.start(length_prefixed_echo, "length_prefixed_echo"));
  client.send_all("00");
  client.shutdown_write();
  std::string received;
  EXPECT_TRUE(client.read_until_eof(received));
  EXPECT_EQ(received, "incomplete:2\n");
}

TEST(StreamReader, ReadNReturnsWhatArrivedUpToN) {
  ServerHarness harness;
  LoopbackClient client(harness.start(chunk_echo, "chunk_echo"));
  client.send_all(std::string(250, 'z'));
  client.shutdown_write();
  std::string received;
  EXPECT_TRUE(client.read_until_eof(received));
  // 250 bytes come back as chunks of at most 100; how they were split depends on timing.
  std::size_t total = 0;
  std::size_t position = 0;
  while ((position = received.find('<', position)) != std::string::npos) {
    const auto close = received.find('>', position);
    const std::size_t size = std::stoul(received.substr(position + 1, close - position - 1));
    EXPECT_LE(size, 100u);
    total += size;
    position = close;
  }
  EXPECT_EQ(total, 250u);
}

// Guards memory and fairness under a flood: the reader reads ahead at most twice its limit
// (plus one read), leaving the rest in the kernel to push back on the sender.
TEST(StreamReader, AFloodIsReadAheadOnlyUpToTwiceTheLimit) {
  ServerHarness harness;
  loopscope::loop::ServerOptions options;
  options.limits.line_limit_bytes = 1024;
  LoopbackClient client(harness.start("echo", options));
  std::string flood;
  for (int line = 0; line < 50000; ++line) flood += "0123456789\n";  // 550 KB
  std::thread reader([&] {
    std::string echoed;
    while (echoed.size() < flood.size()) {
      const std::string chunk = client.read_some(65536, 5s);
      if (chunk.empty()) break;
      echoed += chunk;
    }
    EXPECT_EQ(echoed.size(), flood.size());
  });
  client.send_all(flood);
  reader.join();
  const auto& log = harness.drain();
  const auto id = testing_::accepted_connections(log).at(0);
  EXPECT_LE(testing_::peak_buffer_bytes(log, id, trace::BufferKind::Reader), 2u * 1024 + 64u * 1024);
}
