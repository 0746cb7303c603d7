// The thread-per-connection server and its bounded pool: the same bytes as the loop's handlers
// (asyncio's rules), with every wait blocking one thread only, and the same trace events.
#include "core/threads/threaded_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "tests/support/loopback_client.hpp"
#include "tests/support/trace_queries.hpp"

namespace loopscope::threads {
namespace {

using namespace std::chrono_literals;
using testing::count_of;
using testing::eventually;
using testing::LoopbackClient;
using trace::EventKind;

// A server with its recorder, draining into one log on the test's thread.
struct Harness {
  explicit Harness(ThreadedServerOptions options, const std::string& handler = "echo",
                   ThreadHandlerSettings settings = {})
      : server(recorder, std::move(options), *make_thread_handler(handler, settings), handler) {
    port = server.start();
  }
  const trace::TraceLog& drained() {
    recorder.drain_into(log);
    return log;
  }
  // Waits until the trace holds `count` events of `kind` (for `subject`, if given).
  bool trace_has(EventKind kind, std::size_t count, std::optional<std::uint32_t> subject = std::nullopt) {
    return eventually([&] { return count_of(drained(), kind, subject) >= count; });
  }

  trace::Recorder recorder;
  trace::Recorder::Attachment main_attachment = recorder.attach_current_thread("main");
  trace::TraceLog log;
  ThreadedServer server;
  std::uint16_t port = 0;
};

ThreadedServerOptions per_connection() { return ThreadedServerOptions{}; }

ThreadedServerOptions pool_of(std::size_t threads) {
  ThreadedServerOptions options;
  options.model = ThreadModel::Pool;
  options.pool_threads = threads;
  return options;
}

TEST(ThreadedServer, EchoesAndUppercasesLineByLineForManyClients) {
  for (const auto& handler : {std::string("echo"), std::string("upper")}) {
    Harness harness(per_connection(), handler);
    std::vector<LoopbackClient> clients;
    for (int index = 0; index < 5; ++index) clients.emplace_back(harness.port);
    // Nothing sent yet, so every thread blocks in its first recv() (later ones may find their
    // bytes already there: a slow machine decides that, not the server).
    ASSERT_TRUE(harness.trace_has(EventKind::TaskSuspended, 5)) << handler;
    for (int index = 0; index < 5; ++index) clients[index].send_all("hello " + std::to_string(index) + "\n");
    for (int index = 0; index < 5; ++index) {
      const std::string expected = handler == "echo" ? "hello " + std::to_string(index) + "\n"
                                                     : "HELLO " + std::to_string(index) + "\n";
      EXPECT_EQ(clients[index].read_line(), expected) << handler;
    }
    for (auto& client : clients) {
      client.shutdown_write();
      std::string rest;
      // asyncio's echo closes its side once the client's EOF is read: a FIN, nothing more.
      EXPECT_EQ(client.read_to_end(rest), LoopbackClient::StreamEnd::Fin);
      EXPECT_EQ(rest, "");
    }
    ASSERT_TRUE(harness.trace_has(EventKind::TaskExited, 5));
    for (const auto id : testing::accepted_connections(harness.log)) {
      EXPECT_EQ(testing::exit_reason_of(harness.log, id), trace::ExitReason::PeerEof);
      // Each thread blocked in recv() waiting for its client, and the trace says so.
      bool blocked_in_recv = false;
      for (const auto& event : testing::events_of(harness.log, EventKind::TaskSuspended, id)) {
        blocked_in_recv |= event.detail_as<trace::AwaitKind>() == trace::AwaitKind::Recv && event.site_id != 0;
      }
      EXPECT_TRUE(blocked_in_recv) << "connection " << id;
    }
  }
}

// The point of a thread per connection: time.sleep() in one handler delays its own client
// only. On the loop two clients of blocking_sleep take two delays; here both replies come
// after about one.
TEST(ThreadedServer, ABlockingSleepDelaysOnlyItsOwnClient) {
  ThreadHandlerSettings settings;
  settings.blocking_delay = 600ms;
  Harness harness(per_connection(), "blocking_sleep", settings);
  LoopbackClient first(harness.port);
  LoopbackClient second(harness.port);
  const auto start = std::chrono::steady_clock::now();
  first.send_all("a\n");
  second.send_all("b\n");
  EXPECT_EQ(first.read_line(5s), "slept:a\n");
  EXPECT_EQ(second.read_line(5s), "slept:b\n");
  const auto both = std::chrono::steady_clock::now() - start;
  // Two delays would be 1200 ms; a generous margin for a loaded machine still tells them apart.
  EXPECT_LT(both, settings.blocking_delay * 19 / 10);
  ASSERT_TRUE(harness.trace_has(EventKind::TaskResumed, 2));
  std::size_t sleeps = 0;
  for (const auto& event : testing::events_of(harness.drained(), EventKind::TaskSuspended)) {
    sleeps += event.detail_as<trace::AwaitKind>() == trace::AwaitKind::Sleep ? 1 : 0;
  }
  EXPECT_EQ(sleeps, 2u);
}

// Connection N+1 of a pool of N waits in the queue until a worker is free, and its lane says
// it waited for a thread.
TEST(ThreadedServer, APoolMakesTheConnectionPastItsSizeWaitForAFreeWorker) {
  Harness harness(pool_of(2));
  LoopbackClient first(harness.port);
  LoopbackClient second(harness.port);
  LoopbackClient third(harness.port);
  first.send_all("1\n");
  second.send_all("2\n");
  EXPECT_EQ(first.read_line(), "1\n");
  EXPECT_EQ(second.read_line(), "2\n");
  third.send_all("3\n");
  // Both workers are parked in their clients' recv(): nobody reads the third.
  EXPECT_EQ(third.read_line(300ms), std::nullopt);
  EXPECT_TRUE(eventually([&] { return harness.server.queued_connections() == 1; }));
  first.close();
  EXPECT_EQ(third.read_line(5s), "3\n");

  harness.drained();
  const auto ids = testing::accepted_connections(harness.log);
  ASSERT_EQ(ids.size(), 3u);
  bool third_waited = false;
  for (const auto& event : testing::events_of(harness.log, EventKind::TaskSuspended, ids[2])) {
    third_waited |= event.detail_as<trace::AwaitKind>() == trace::AwaitKind::PoolQueue;
  }
  EXPECT_TRUE(third_waited);
  EXPECT_TRUE(harness.trace_has(EventKind::TaskResumed, 1, ids[2]));
}

// asyncio's limit counts the bytes before the newline: with a limit of 1024 a 1025-byte line
// (newline included) is a line, 1026 is refused. The refused connection gets a normal end of
// stream (the handler died, transport.close()); a neighbour is served throughout.
TEST(ThreadedServer, TheLineLimitIsAsyncios) {
  ThreadedServerOptions options;
  options.line_limit_bytes = 1024;
  Harness harness(options);
  LoopbackClient neighbour(harness.port);
  LoopbackClient client(harness.port);
  const std::string accepted(1024, 'a');
  client.send_all(accepted + "\n");
  EXPECT_EQ(client.read_line(), accepted + "\n");
  client.send_all(std::string(1025, 'b') + "\n");
  std::string rest;
  EXPECT_EQ(client.read_to_end(rest), LoopbackClient::StreamEnd::Fin);
  EXPECT_EQ(rest, "");
  neighbour.send_all("still here\n");
  EXPECT_EQ(neighbour.read_line(), "still here\n");

  ASSERT_TRUE(harness.trace_has(EventKind::TaskFailed, 1));
  const auto failed = testing::events_of(harness.log, EventKind::TaskFailed).front();
  EXPECT_NE(harness.log.label(failed.aux).find("LineTooLongError"), std::string_view::npos);
  EXPECT_EQ(testing::exit_reason_of(harness.log, failed.subject_id), trace::ExitReason::Error);
}

TEST(ThreadedServer, ConnectionsPastTheCapAreClosedAtOnce) {
  ThreadedServerOptions options;
  options.max_connections = 2;
  Harness harness(options);
  LoopbackClient first(harness.port);
  LoopbackClient second(harness.port);
  ASSERT_TRUE(harness.trace_has(EventKind::ConnectionAccepted, 2));
  LoopbackClient third(harness.port);
  std::string rest;
  EXPECT_NE(third.read_to_end(rest), LoopbackClient::StreamEnd::Timeout);
  EXPECT_TRUE(harness.trace_has(EventKind::ConnectionRefused, 1));
  first.send_all("ok\n");
  EXPECT_EQ(first.read_line(), "ok\n");
}

// A client that stops reading: the thread blocks in send() once the kernel's buffers are full
// (the threaded backpressure), and close() still ends it within its grace.
TEST(ThreadedServer, AThreadBlocksInSendWhenItsClientStopsReading) {
  ThreadedServerOptions options;
  options.socket_send_buffer_bytes = 4096;
  Harness harness(options);
  LoopbackClient client(harness.port, 4096);
  const std::string line = std::string(1000, 'x') + "\n";
  std::string flood;
  for (int index = 0; index < 400; ++index) flood += line;  // 400 KB: far past both buffers
  std::thread sender([&client, &flood] { client.send_all(flood); });
  const bool blocked = eventually(
      [&] {
        for (const auto& event : testing::events_of(harness.drained(), EventKind::TaskSuspended)) {
          if (event.detail_as<trace::AwaitKind>() == trace::AwaitKind::Send) return true;
        }
        return false;
      },
      10s);
  EXPECT_TRUE(blocked);
  const auto closing = std::chrono::steady_clock::now();
  harness.server.close(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - closing, 5s);
  client.reset();  // ends the sender's blocked send_all as well
  sender.join();
  harness.drained();
  EXPECT_EQ(testing::settled_connections(harness.log), 1u);
  // Cut off by the server after its grace, as the loop aborts: recorded as aborted, and not as
  // a failure of the handler or a reset by the client.
  const auto closed = testing::events_of(harness.log, EventKind::ConnectionClosed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed.front().detail_as<trace::CloseReason>(), trace::CloseReason::Aborted);
  EXPECT_EQ(count_of(harness.log, EventKind::TaskFailed), 0u);
}

// As asyncio's server.close() with its handlers' tasks cancelled: a handler blocked in recv()
// is cancelled (not told its client hung up), its half-sent line is not echoed back as if it
// were a last line, and its connection ends with a FIN; one still queued is cancelled too.
TEST(ThreadedServer, CloseCancelsThreadsBlockedInRecvAndQueuedConnections) {
  Harness harness(pool_of(1));
  LoopbackClient served(harness.port);
  LoopbackClient waiting(harness.port);
  ASSERT_TRUE(harness.trace_has(EventKind::ConnectionAccepted, 2));
  ASSERT_TRUE(eventually([&] { return harness.server.queued_connections() == 1; }));
  served.send_all("half a li");  // no newline: readline() is still waiting
  ASSERT_TRUE(harness.trace_has(EventKind::BytesReceived, 1));
  harness.server.close(2s);
  harness.drained();
  const auto ids = testing::accepted_connections(harness.log);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(testing::exit_reason_of(harness.log, ids[0]), trace::ExitReason::Cancelled);
  EXPECT_EQ(testing::exit_reason_of(harness.log, ids[1]), trace::ExitReason::Cancelled);
  EXPECT_EQ(count_of(harness.log, EventKind::TaskFailed), 0u) << "a cancellation is not a failure";
  std::string rest;
  EXPECT_EQ(served.read_to_end(rest), LoopbackClient::StreamEnd::Fin);
  EXPECT_EQ(rest, "") << "the unfinished line is not sent back";
  EXPECT_NE(waiting.read_to_end(rest), LoopbackClient::StreamEnd::Timeout);
}

// One small ring per connection thread, handed back when the thread ends: many short
// connections one after another must not pile up sources (and their memory) in the recorder.
TEST(ThreadedServer, ConnectionThreadsReuseTheirRings) {
  Harness harness(per_connection());
  for (int index = 0; index < 40; ++index) {
    LoopbackClient client(harness.port);
    client.send_all("x\n");
    ASSERT_EQ(client.read_line(), "x\n");
    client.close();
    ASSERT_TRUE(harness.trace_has(EventKind::TaskExited, static_cast<std::size_t>(index + 1)));
    ASSERT_TRUE(eventually([&] { return harness.server.connection_threads() == 0; }));
  }
  harness.drained();
  // main, accept, and the connection threads' rings: a few at most, never forty.
  EXPECT_LE(harness.log.sources.size(), 6u);
  EXPECT_EQ(count_of(harness.log, EventKind::ClientSent), 0u);
  EXPECT_EQ(trace::unattached_drops(), 0u);
}

}  // namespace
}  // namespace loopscope::threads

namespace loopscope::threads {
namespace {

// Bad input against the threaded servers, as the loop's hostile-client suite has it: garbage,
// a slowloris, a line past the limit that never ends, connections reset in hundreds. Each harms
// its own connection only; a well-behaved client is answered throughout, and every thread ends.
TEST(ThreadedServerHostile, BadClientsHarmOnlyThemselves) {
  for (const ThreadModel model : {ThreadModel::PerConnection, ThreadModel::Pool}) {
    ThreadedServerOptions options;
    options.model = model;
    options.line_limit_bytes = 1024;
    Harness harness(options);
    LoopbackClient good(harness.port);
    const auto answered = [&](const std::string& when) {
      good.send_all("still here\n");
      EXPECT_EQ(good.read_line(), "still here\n") << when;
    };
    {
      LoopbackClient garbage(harness.port);
      std::string bytes;
      for (int value = 0; value < 256; ++value) bytes += static_cast<char>(value == '\n' ? 0 : value);
      garbage.send_all(bytes + "\xff\xfb\x01\xff\xfd\x03\n");  // binary, then telnet negotiation, then a newline
      EXPECT_TRUE(garbage.read_line().has_value()) << "garbage is just a line of bytes";
    }
    answered("after garbage");
    LoopbackClient slowloris(harness.port);
    for (int byte = 0; byte < 20; ++byte) slowloris.send_all("z");
    answered("while a slowloris dribbles");
    {
      // No newline ever, past the limit: refused, that connection closed (the buffer stays bounded).
      LoopbackClient endless(harness.port);
      endless.send_all(std::string(4096, 'x'));
      std::string rest;
      EXPECT_NE(endless.read_to_end(rest), LoopbackClient::StreamEnd::Timeout);
    }
    for (int index = 0; index < 200; ++index) {
      LoopbackClient reset(harness.port);
      reset.reset();
    }
    answered("after 200 resets");
    slowloris.close();
    good.close();
    harness.server.close(2s);
    harness.drained();
    EXPECT_EQ(harness.server.open_connections(), 0u);
    EXPECT_EQ(harness.server.connection_threads(), 0u);
    EXPECT_EQ(testing::settled_connections(harness.log), testing::accepted_connections(harness.log).size());
  }
}

}  // namespace
}  // namespace loopscope::threads
