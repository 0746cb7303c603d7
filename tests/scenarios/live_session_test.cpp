// LiveSession: the one live run that the GUI and the lesson runner both drive. Real sockets on
// 127.0.0.1; every wait is bounded.
#include <gtest/gtest.h>

#include "tests/support/kernel_buffer_sizes.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <utility>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "scenarios/session/live_session.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/session_polling.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::scenarios::LiveSession;
using loopscope::scenarios::LiveSessionOptions;
using loopscope::testing::LoopbackClient;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {

LiveSessionOptions echo_session() {
  LiveSessionOptions options;
  options.server.handler = "echo";
  return options;
}

using loopscope::testing::poll_until;

std::string echo_of(LoopbackClient& client, const std::string& line) {
  client.send_all(line);
  return client.read_line().value_or("<nothing>");
}


}  // namespace

TEST(LiveSession, ListensOnTheKernelsPortByDefault) {
  LiveSession session(echo_session());
  EXPECT_NE(session.port(), 0);
  EXPECT_EQ(session.host(), "127.0.0.1");
  LoopbackClient client(session.port());
  EXPECT_EQ(echo_of(client, "hi\n"), "hi\n");
}

// Guards the fallback: a learner's second app instance (or a stray `nc -l`) must not stop the
// session from starting when the preferred port is taken.
TEST(LiveSession, FallsBackToTheNextPortWhenThePreferredOneIsTaken) {
  asio::io_context context;
  asio::ip::tcp::acceptor squatter(context, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t taken = squatter.local_endpoint().port();

  LiveSessionOptions options = echo_session();
  options.port = taken;
  options.next_ports_to_try = 0;
  EXPECT_THROW(LiveSession refused(options), std::system_error) << "no fallback allowed, so the taken port is an error";

  options.next_ports_to_try = 8;
  LiveSession session(options);
  EXPECT_GT(session.port(), taken);
  EXPECT_LE(session.port(), taken + 8);
  LoopbackClient client(session.port());
  EXPECT_EQ(echo_of(client, "fallback\n"), "fallback\n");
}

TEST(LiveSession, UnknownHandlerAndBadLimitsAreRefused) {
  LiveSessionOptions options = echo_session();
  options.server.handler = "no_such_handler";
  EXPECT_THROW(LiveSession refused(options), std::invalid_argument);
  LiveSession session(echo_session());
  EXPECT_THROW(session.set_handler("no_such_handler"), std::invalid_argument);
  EXPECT_EQ(session.server_config().handler, "echo");
  // Bad limits are refused at the call, not on the loop, so nothing is left pending.
  EXPECT_THROW(session.set_write_buffer_limits(1024, 4096), std::invalid_argument);
  EXPECT_THROW(session.set_socket_buffers(0, std::nullopt), std::invalid_argument);
  EXPECT_EQ(session.server_config().high_water_bytes, 64u * 1024);
  EXPECT_EQ(session.pending_commands(), 0u);
}

// Guards set_handler: new connections get the new handler, open ones keep theirs.
TEST(LiveSession, SetHandlerSwitchesBehaviourForNewConnections) {
  LiveSession session(echo_session());
  LoopbackClient before(session.port());
  EXPECT_EQ(echo_of(before, "abc\n"), "abc\n");

  session.set_handler("upper");
  EXPECT_EQ(session.server_config().handler, "upper");
  ASSERT_TRUE(poll_until(session, [&] { return session.pending_commands() == 0; }));
  LoopbackClient after(session.port());
  EXPECT_EQ(echo_of(after, "abc\n"), "ABC\n");
  EXPECT_EQ(echo_of(before, "def\n"), "def\n") << "an open connection keeps its handler";
}

// Guards the queue a learner sees: commands posted while the loop is blocked wait, and are
// counted, until the loop is free again.
TEST(LiveSession, PendingCommandsRiseWhileTheLoopIsBlockedAndDrainAfter) {
  LiveSession session(echo_session());
  EXPECT_EQ(session.pending_commands(), 0u);
  session.inject_blocking(400ms);
  session.set_handler("upper");
  session.set_write_buffer_limits(32 * 1024, 8 * 1024);
  session.set_socket_buffers(8192, std::nullopt);
  // The blocking call is queued or running; either way it has not finished, and the rest wait behind it.
  EXPECT_EQ(session.pending_commands(), 4u);
  EXPECT_EQ(session.server_config().high_water_bytes, 32u * 1024);
  EXPECT_EQ(session.server_config().effective_low_water_bytes(), 8u * 1024);
  EXPECT_EQ(session.server_config().send_buffer_bytes, 8192);
  EXPECT_FALSE(session.server_config().receive_buffer_bytes.has_value());
  ASSERT_TRUE(poll_until(session, [&] { return session.pending_commands() == 0; }));
  LoopbackClient client(session.port());
  EXPECT_EQ(echo_of(client, "queued\n"), "QUEUED\n");
}

// Guards set_socket_buffers: the sizes reach connections accepted after the call.
TEST(LiveSession, SocketBuffersApplyToNewConnections) {
  constexpr int kAskedBytes = 4096;
  const auto expected = loopscope::testing::kernel_buffer_sizes_for(kAskedBytes);
  LiveSession session(echo_session());
  session.set_socket_buffers(kAskedBytes, kAskedBytes);
  EXPECT_EQ(session.server_config().send_buffer_bytes, kAskedBytes);
  EXPECT_EQ(session.server_config().receive_buffer_bytes, kAskedBytes);
  ASSERT_TRUE(poll_until(session, [&] { return session.pending_commands() == 0; }));

  LoopbackClient client(session.port());
  EXPECT_EQ(echo_of(client, "x\n"), "x\n");
  std::pair<std::uint64_t, std::uint64_t> recorded{0, 0};
  ASSERT_TRUE(poll_until(session, [&] {
    recorded = testing_::recorded_socket_buffers(session.log());
    return recorded.first != 0 && recorded.second != 0;
  }));
  EXPECT_EQ(recorded.first, expected.first);
  EXPECT_EQ(recorded.second, expected.second);
}

// Guards the live freeze view: while the loop is stuck, freeze() says so and its duration grows.
TEST(LiveSession, AFreezeShowsWhileItLasts) {
  constexpr auto kBlocking = 600ms;
  LiveSession session(echo_session());
  session.inject_blocking(kBlocking);
  ASSERT_TRUE(poll_until(session, [&] { return session.freeze().frozen; }, 3s));
  const std::uint64_t first_seen_ns = session.freeze().frozen_for_ns;
  std::this_thread::sleep_for(100ms);
  session.poll();
  if (session.freeze().frozen) {
    EXPECT_GT(session.freeze().frozen_for_ns, first_seen_ns);
  }
  ASSERT_TRUE(poll_until(session, [&] { return !session.freeze().frozen; }, 5s));
  ASSERT_TRUE(poll_until(session, [&] { return !session.model().loop().freezes.empty(); }, 2s));
  const auto& freeze = session.model().loop().freezes.front();
  ASSERT_NE(freeze.end_ns, loopscope::model::kOpenEnd);
  const double frozen_ms = static_cast<double>(freeze.end_ns - freeze.begin_ns) / 1e6;
  EXPECT_GE(frozen_ms, 0.8 * 600) << "the freeze lasts as long as the blocking call";
  EXPECT_LE(frozen_ms, 5.0 * 600);
}

TEST(LiveSession, MarkAppearsInTheModel) {
  LiveSession session(echo_session());
  session.mark("look here");
  ASSERT_TRUE(poll_until(session, [&] { return !session.model().marks().empty(); }, 2s));
  EXPECT_EQ(session.model().marks().front().text, "look here");
}

TEST(LiveSession, FinishIsIdempotentAndStopsTheClients) {
  LiveSession session(echo_session());
  loopscope::scenarios::ClientSpec spec;
  spec.behaviour = "fast";
  spec.group = "forever";
  spec.lines = 0;  // until stopped
  spec.think = 20ms;
  session.start_clients(spec, 3);
  ASSERT_TRUE(poll_until(session, [&] { return session.model().connections().size() == 3; }));
  EXPECT_FALSE(session.finished());

  const auto first_started = std::chrono::steady_clock::now();
  session.finish();
  const auto first_took = std::chrono::steady_clock::now() - first_started;
  EXPECT_TRUE(session.finished());
  EXPECT_EQ(session.clients().running(), 0u);
  EXPECT_LT(first_took, 6s) << "finish() is bounded";

  const auto events_after_first = session.log().events.size();
  const auto second_started = std::chrono::steady_clock::now();
  session.finish();
  EXPECT_LT(std::chrono::steady_clock::now() - second_started, 500ms) << "the second finish() has nothing to do";
  EXPECT_TRUE(session.finished());
  EXPECT_EQ(session.log().events.size(), events_after_first);
}

TEST(LiveSession, TakeLogMovesTheEventsOutAndKeepsTheTables) {
  LiveSession session(echo_session());
  session.mark("before");
  ASSERT_TRUE(poll_until(session, [&] { return !session.log().events.empty(); }, 2s));
  session.finish();
  const trace::TraceLog taken = session.take_log();
  EXPECT_FALSE(taken.events.empty());
  EXPECT_TRUE(session.log().events.empty());
  EXPECT_EQ(session.log().labels, taken.labels);
  EXPECT_EQ(session.log().sites.size(), taken.sites.size());
}

// Threads against the loop: a session serves with the model it is given, on the controls that
// make sense there, and switches models on its own port so `nc` and the scripted clients keep
// their address.
TEST(LiveSession, AThreadedSessionServesAndRefusesTheLoopsControls) {
  LiveSessionOptions options = echo_session();
  options.server.model = loopscope::scenarios::ServerModel::Threads;
  LiveSession session(options);
  EXPECT_FALSE(session.has_loop());
  LoopbackClient client(session.port());
  EXPECT_EQ(echo_of(client, "over a thread\n"), "over a thread\n");
  EXPECT_THROW(session.inject_blocking(10ms), std::logic_error);
  EXPECT_THROW(session.set_write_buffer_limits(1024, 256), std::logic_error);
  EXPECT_THROW(session.set_handler("chat_naive"), std::invalid_argument);  // the threads have no chat room
  session.set_handler("upper");
  LoopbackClient later(session.port());
  EXPECT_EQ(echo_of(later, "shout\n"), "SHOUT\n");
  // Its lanes are threads, and the process gauges are sampled while it runs.
  ASSERT_TRUE(poll_until(session, [&] { return session.model().tasks().size() == 2; }, 5s));
  for (const auto& [id, task] : session.model().tasks()) EXPECT_EQ(task.runner, trace::TaskRunner::OwnThread);
  EXPECT_TRUE(poll_until(session, [&] {
    return !session.model().process().gauge(trace::ProcessGauge::Threads).empty();
  }, 5s));
  EXPECT_EQ(session.freeze().frozen, false);
}

TEST(LiveSession, SwitchingModelsKeepsThePortAndNeverReusesATaskId) {
  LiveSession session(echo_session());
  const std::uint16_t port = session.port();
  {
    LoopbackClient on_loop(port);
    EXPECT_EQ(echo_of(on_loop, "loop\n"), "loop\n");
  }
  ASSERT_TRUE(poll_until(session, [&] { return session.model().tasks().size() == 1; }, 5s));
  session.set_model(loopscope::scenarios::ServerModel::Pool);
  EXPECT_EQ(session.port(), port);
  EXPECT_FALSE(session.has_loop());
  {
    LoopbackClient on_pool(port);
    EXPECT_EQ(echo_of(on_pool, "pool\n"), "pool\n");
  }
  session.set_model(loopscope::scenarios::ServerModel::Loop);
  EXPECT_TRUE(session.has_loop());
  {
    LoopbackClient back_on_loop(port);
    EXPECT_EQ(echo_of(back_on_loop, "again\n"), "again\n");
  }
  ASSERT_TRUE(poll_until(session, [&] { return session.model().tasks().size() == 3; }, 5s));
  // Three connections, three tasks: the second loop server started past the pool's ids.
  std::vector<trace::TaskRunner> runners;
  for (const auto& [id, task] : session.model().tasks()) runners.push_back(task.runner);
  EXPECT_EQ(runners, (std::vector<trace::TaskRunner>{trace::TaskRunner::LoopCoroutine, trace::TaskRunner::PoolThread,
                                                     trace::TaskRunner::LoopCoroutine}));
  // Each switch is marked in the trace, so a replay says which server served when.
  std::size_t switches = 0;
  for (const auto& mark : session.model().marks()) switches += mark.text.rfind("server: ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(switches, 2u);
}

TEST(LiveSession, AModelWithoutTheCurrentHandlerIsRefusedAndNothingChanges) {
  LiveSessionOptions options = echo_session();
  options.server.handler = "chat_fair";
  LiveSession session(options);
  EXPECT_THROW(session.set_model(loopscope::scenarios::ServerModel::Threads), std::invalid_argument);
  EXPECT_TRUE(session.has_loop());
  EXPECT_EQ(session.server_config().model, loopscope::scenarios::ServerModel::Loop);
}
