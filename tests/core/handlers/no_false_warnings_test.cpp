// No false alarm: the good handlers under load raise no warning (docs/warnings.md). Fifty
// clients at once, each sending lines back to back and reading every reply, then closing.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/model/trace_model.hpp"
#include "core/model/warnings.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
namespace model = loopscope::model;

namespace {

void load_and_expect_no_warnings(const std::string& handler, const std::string& reply_prefix) {
  ServerHarness harness;
  const std::uint16_t port = harness.start(handler);
  constexpr int kClients = 50;
  constexpr int kLines = 20;
  std::vector<std::unique_ptr<LoopbackClient>> clients;
  for (int index = 0; index < kClients; ++index) clients.push_back(std::make_unique<LoopbackClient>(port));
  for (int line = 0; line < kLines; ++line) {
    for (auto& client : clients) client->send_all("line " + std::to_string(line) + "\n");
    for (auto& client : clients) {
      const auto reply = client->read_line();
      ASSERT_TRUE(reply.has_value()) << handler << ": no reply";
      ASSERT_EQ(reply->rfind(reply_prefix, 0), 0u) << handler << ": " << *reply;
    }
  }
  for (auto& client : clients) client->shutdown_write();
  for (auto& client : clients) {
    std::string rest;
    EXPECT_TRUE(client->read_until_eof(rest));
  }
  ASSERT_TRUE(loopscope::testing::eventually(
      [&] { return loopscope::testing::settled_connections(harness.drain()) == static_cast<std::size_t>(kClients); }));
  const auto& log = harness.drain();
  const auto built = model::TraceModel::from_log(log);
  const auto warnings = model::find_warnings(built, log);
  std::string described;
  for (const auto& warning : warnings) described += "\n  " + warning.message;
  EXPECT_TRUE(warnings.empty()) << handler << " raised:" << described;
}

}  // namespace

TEST(NoFalseWarnings, EchoUnderFiftyBusyClients) { load_and_expect_no_warnings("echo", "line "); }
TEST(NoFalseWarnings, UpperUnderFiftyBusyClients) { load_and_expect_no_warnings("upper", "LINE "); }
// Also guards wait_for(): it once left the loop believing another task was running after the
// race, so this handler's wait_closed() was recorded for a neighbour and close_not_awaited fired.
TEST(NoFalseWarnings, ReadlineTimeoutUnderFiftyBusyClients) { load_and_expect_no_warnings("readline_timeout", "line "); }
