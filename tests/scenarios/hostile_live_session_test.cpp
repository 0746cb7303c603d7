// The hostile clients of tests/core/loop/hostile_clients_test.cpp against the GUI's live
// session (LiveSession, polled as a frame polls it): the app must survive what `serve`
// survives, and its model must stay true to what happened.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "scenarios/session/live_session.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/session_polling.hpp"

using namespace std::chrono_literals;
using loopscope::scenarios::LiveSession;
using loopscope::scenarios::LiveSessionOptions;
using loopscope::testing::LoopbackClient;

namespace {

using loopscope::testing::poll_until;

void expect_answered(LiveSession& session, LoopbackClient& client, const std::string& what) {
  client.send_all("still there?\n");
  session.poll();
  EXPECT_EQ("still there?\n", client.read_line(10s).value_or("(no answer)")) << what;
}

}  // namespace

TEST(HostileLiveSession, TheAppsSessionSurvivesWhatServeSurvives) {
  LiveSessionOptions options;
  options.server.handler = "echo";
  options.server.line_limit_bytes = 1024;
  options.server.max_connections = 100;
  LiveSession session(options);
  const auto port = session.port();
  LoopbackClient good(port);

  std::mt19937 random(11);
  for (int round = 0; round < 10; ++round) {  // garbage, telnet bytes, over-long lines
    LoopbackClient noisy(port);
    std::string garbage(5000, '\0');
    for (char& byte : garbage) byte = static_cast<char>(random());
    noisy.send_all(garbage + std::string("\xff\xfd\x18", 3) + std::string(3000, 'x'));
    noisy.reset();
    session.poll();
  }
  expect_answered(session, good, "after garbage");

  LoopbackClient slowloris(port);
  for (int byte = 0; byte < 20; ++byte) {
    slowloris.send_all("s");
    session.poll();
    std::this_thread::sleep_for(10ms);
  }
  expect_answered(session, good, "beside a slowloris");

  for (int index = 0; index < 500; ++index) {  // opened and reset
    LoopbackClient gone(port);
    gone.reset();
    if (index % 50 == 0) session.poll();
  }
  std::vector<LoopbackClient> flood;  // past the cap
  for (int index = 0; index < 250; ++index) flood.emplace_back(port);
  expect_answered(session, good, "with the server full");
  flood.clear();

  std::vector<LoopbackClient> half_open;
  for (int index = 0; index < 10; ++index) {
    half_open.emplace_back(port);
    half_open.back().send_all("bye\n");
    half_open.back().shutdown_write();
  }
  expect_answered(session, good, "with half-open sockets");

  // The model saw it all and keeps only what is still open as open: the good client and the slowloris.
  ASSERT_TRUE(poll_until(session, [&] {
    std::size_t open = 0;
    for (const auto& [id, connection] : session.model().connections()) open += !connection.closed_ns.has_value();
    return open == 2;
  }, 20s)) << "connections the model still thinks open";
  EXPECT_GE(session.model().connections().size(), 500u + 10u + 2u);
  session.finish();
}
