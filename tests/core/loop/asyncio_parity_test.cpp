// Each test pins one behaviour a client can observe to CPython asyncio's streams (3.11 and
// later); the asyncio rule is in the comment above it. asyncio is the reference: a difference
// is a bug unless docs/serve.md teaches it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/loop/stream_errors.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::loop::StreamReader;
using loopscope::loop::StreamWriter;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
using StreamEnd = loopscope::testing::LoopbackClient::StreamEnd;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {

constexpr std::size_t kLimit_bytes = 1024;

loopscope::loop::ServerOptions with_line_limit(std::size_t limit_bytes) {
  loopscope::loop::ServerOptions options;
  options.limits.line_limit_bytes = limit_bytes;
  return options;
}

// Writes 64 KiB it never drains, then dies.
asio::awaitable<void> write_then_raise(StreamReader& reader, StreamWriter& writer) {
  co_await reader.readline();
  writer.write(std::string(64 * 1024, 'r'));
  throw std::runtime_error("boom after writing");
}

// Says when a line was refused and carries on reading, as a handler catching ValueError does.
asio::awaitable<void> echo_refusals_too(StreamReader& reader, StreamWriter& writer) {
  for (;;) {
    std::string line;
    try {
      line = co_await reader.readline();
    } catch (const loopscope::loop::LineTooLongError&) {
      line = "refused\n";
    }
    if (line.empty()) break;
    writer.write(line);
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

}  // namespace

// asyncio (StreamReader.readuntil): "Limit is compared against part of the line without
// newline": with limit=1024 a line of 1024 bytes plus its newline is returned, 1025 plus the
// newline raises ValueError.
TEST(AsyncioParity, TheLineLimitCountsTheBytesBeforeTheNewline) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo", with_line_limit(kLimit_bytes)));
  const std::string longest = std::string(kLimit_bytes, 'a') + "\n";  // 1025 bytes on the wire
  client.send_all(longest);
  EXPECT_EQ(longest, client.read_line().value_or("")) << "1025 bytes with the newline are accepted";
  client.send_all(std::string(kLimit_bytes + 1, 'b') + "\n");  // 1026: one byte too many
  std::string rest;
  EXPECT_EQ(StreamEnd::Fin, client.read_to_end(rest)) << "refused; the echo handler dies of it";
  EXPECT_EQ("", rest);
}

// asyncio: without a newline, readuntil raises once more than `limit` bytes are buffered
// ("Separator is not found, and chunk exceed the limit"); exactly `limit` still waits.
TEST(AsyncioParity, WithoutANewlineExactlyTheLimitStillWaits) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo", with_line_limit(kLimit_bytes)));
  client.send_all(std::string(kLimit_bytes, 'c'));
  EXPECT_EQ("", client.read_some(100, 300ms)) << "no answer yet: the line may still end in time";
  client.send_all("\n");
  EXPECT_EQ(std::string(kLimit_bytes, 'c') + "\n", client.read_line().value_or(""));
}

// asyncio (readline on LimitOverrunError): "if newline was found, complete line including
// newline will be removed from internal buffer. Else, internal buffer will be cleared." So a
// handler that catches the ValueError reads the next line intact.
TEST(AsyncioParity, ARefusedLineGoesWithItsNewlineAndTheNextLineStays) {
  ServerHarness harness;
  LoopbackClient client(harness.start(echo_refusals_too, "echo_refusals_too", with_line_limit(kLimit_bytes)));
  client.send_all(std::string(kLimit_bytes + 10, 'd') + "\nnext line\n");
  EXPECT_EQ("refused\n", client.read_line().value_or(""));
  EXPECT_EQ("next line\n", client.read_line().value_or("")) << "what followed the refused line is kept";
  client.send_all(std::string(kLimit_bytes + 10, 'e'));  // no newline: the whole buffer goes
  EXPECT_EQ("refused\n", client.read_line().value_or(""));
  client.send_all("after\n");
  EXPECT_EQ("after\n", client.read_line().value_or(""));
  client.shutdown_write();
  std::string rest;
  EXPECT_EQ(StreamEnd::Fin, client.read_to_end(rest));
}

// asyncio (StreamReaderProtocol.connection_made's done callback): when the handler task fails
// it logs "Unhandled exception in client_connected_cb" and calls transport.close(): what was
// written is still delivered, then a normal end of stream. Loopscope records the exception.
TEST(AsyncioParity, AHandlerThatRaisesFlushesWhatItWroteThenEndsTheStream) {
  ServerHarness harness;
  LoopbackClient bystander(harness.start(write_then_raise, "write_then_raise"));
  LoopbackClient client(harness.server().local_endpoint().port());
  client.send_all("go\n");
  std::string received;
  EXPECT_EQ(StreamEnd::Fin, client.read_to_end(received, 10s)) << "a normal end of stream, not a reset";
  EXPECT_EQ(64u * 1024u, received.size()) << "every byte written before the exception arrives";

  ASSERT_TRUE(testing_::eventually([&] { return testing_::settled_connections(harness.drain()) == 1; }));
  const auto& log = harness.drain();
  const auto ids = testing_::accepted_connections(log);
  ASSERT_EQ(2u, ids.size());
  EXPECT_EQ(trace::ExitReason::Error, testing_::exit_reason_of(log, ids[1]));
  const auto failures = testing_::events_of(log, trace::EventKind::TaskFailed, ids[1]);
  ASSERT_EQ(1u, failures.size());
  EXPECT_EQ("runtime_error: boom after writing", log.label(failures[0].aux));
  const auto closes = testing_::events_of(log, trace::EventKind::ConnectionClosed, ids[1]);
  ASSERT_EQ(1u, closes.size());
  EXPECT_NE(trace::CloseReason::Error, closes[0].detail_as<trace::CloseReason>()) << "closed, not reset";
  EXPECT_FALSE(testing_::exit_reason_of(log, ids[0]).has_value()) << "the other connection is untouched";
}

// The trace says what killed a task and where: the over-long line's readline() call.
TEST(AsyncioParity, AFailureNamesTheErrorAndTheAwaitItCameOutOf) {
  ServerHarness harness;
  LoopbackClient client(harness.start("echo", with_line_limit(kLimit_bytes)));
  client.send_all(std::string(2 * kLimit_bytes, 'f'));
  std::string rest;
  EXPECT_EQ(StreamEnd::Fin, client.read_to_end(rest));
  const auto& log = harness.drain();
  const auto id = testing_::accepted_connections(log).at(0);
  const auto failures = testing_::events_of(log, trace::EventKind::TaskFailed, id);
  ASSERT_EQ(1u, failures.size());
  EXPECT_EQ("LineTooLongError: no newline within the limit of 1024 bytes", log.label(failures[0].aux));
  EXPECT_NE(std::string::npos, log.site_text(failures[0].site_id).find("echo.cpp")) << log.site_text(failures[0].site_id);
}
