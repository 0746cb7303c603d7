// A CPython asyncio server traced live through the probe: the learner's own program
// (assets/examples/my_server.py, unchanged) and the handlers' twins steered as a lesson steers
// Loopscope's server. Real sockets on 127.0.0.1, a real python3 child; every wait is bounded
// and every session (so every child) is finished by the test.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

#include "scenarios/session/live_session.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/session_polling.hpp"

using namespace std::chrono_literals;
using loopscope::scenarios::LiveSession;
using loopscope::scenarios::LiveSessionOptions;
using loopscope::scenarios::ServerBackend;
using loopscope::testing::LoopbackClient;
using loopscope::testing::poll_until;

namespace {

const std::string kExample = std::string(LOOPSCOPE_SOURCE_DIR) + "/assets/examples/my_server.py";

// The line of `needle` in the example, so the test follows the file when it is edited.
unsigned line_of(const std::string& path, const std::string& needle) {
  std::ifstream file(path);
  std::string line;
  for (unsigned number = 1; std::getline(file, line); ++number) {
    if (line.find(needle) != std::string::npos) return number;
  }
  ADD_FAILURE() << needle << " is not in " << path;
  return 0;
}

LiveSessionOptions learner_program() {
  LiveSessionOptions options;
  options.backend = ServerBackend::AsyncioProgram;
  options.program = kExample;
  options.program_args = {"0"};  // my_server.py takes its port as its argument: any free one
  return options;
}

std::size_t freeze_count(const LiveSession& session) { return session.model().loop().freezes.size(); }

}  // namespace

TEST(AsyncioSession, TheLearnersProgramRunsUnchangedAndItsConnectionIsTraced) {
  LiveSession session(learner_program());
  EXPECT_NE(session.port(), 0);
  EXPECT_EQ(session.program_path(), kExample);
  EXPECT_NE(session.runtime().find("CPython 3."), std::string::npos) << session.runtime();
  EXPECT_FALSE(session.takes_server_commands());
  EXPECT_THROW(session.inject_blocking(10ms), std::logic_error);

  LoopbackClient client(session.port());
  client.send_all("hello\n");
  EXPECT_EQ(client.read_line().value_or("<nothing>"), "HELLO\n");
  client.send_all("quit\n");
  EXPECT_EQ(client.read_line().value_or("<nothing>"), "bye\n");
  ASSERT_TRUE(poll_until(session, [&] {
    const auto& connections = session.model().connections();
    return connections.size() == 1 && connections.begin()->second.closed_ns.has_value();
  }, 5s));
  const auto& connection = session.model().connections().begin()->second;
  EXPECT_EQ(connection.high_water_bytes, 65536u) << "asyncio's default high-water mark";
  EXPECT_EQ(connection.low_water_bytes, 16384u);
  // The handler task is the connection's, and its suspension sites are the learner's lines.
  const auto task = session.model().tasks().find(connection.id);
  ASSERT_NE(task, session.model().tasks().end());
  bool saw_readline_site = false;
  for (const auto& site : session.log().sites) {
    if (site.file == kExample && site.line == line_of(kExample, "line = await reader.readline()")) saw_readline_site = true;
  }
  EXPECT_TRUE(saw_readline_site);
  session.finish();
  EXPECT_TRUE(session.server_ended().has_value());
}

TEST(AsyncioSession, ABlockingSleepIsAFreezeNamedAtTheLearnersLineWhileItLasts) {
  LiveSession session(learner_program());
  LoopbackClient client(session.port());
  client.send_all("sleep\n");
  // Live: the probe's watchdog reports the freeze before the loop comes back.
  ASSERT_TRUE(poll_until(session, [&] { return session.freeze().frozen; }, 5s));
  const unsigned sleep_line = line_of(kExample, "time.sleep(0.4)  # the mistake");
  EXPECT_EQ(session.freeze().site, "my_server.py:" + std::to_string(sleep_line));
  EXPECT_NE(session.freeze().task, 0u);
  EXPECT_EQ(client.read_line(3s).value_or("<nothing>"), "slept\n");
  ASSERT_TRUE(poll_until(session, [&] {
    return freeze_count(session) == 1 && session.model().loop().freezes[0].end_ns != loopscope::model::kOpenEnd;
  }, 5s));
  const auto& freeze = session.model().loop().freezes[0];
  // 0.4 s asleep: generous margins, the machine is shared.
  EXPECT_GE(freeze.end_ns - freeze.begin_ns, 300'000'000u);
  EXPECT_EQ(session.log().site_text(freeze.site), "my_server.py:" + std::to_string(sleep_line));

  // The same wait in a thread (asyncio.to_thread) freezes nothing.
  client.send_all("think\n");
  EXPECT_EQ(client.read_line(3s).value_or("<nothing>"), "thought\n");
  session.poll();
  EXPECT_EQ(freeze_count(session), 1u);
  EXPECT_FALSE(session.freeze().frozen);
  session.finish();
}

TEST(AsyncioSession, ASlowReadersDrainStallsStartAboveHighWaterAndEndAtLowWater) {
  LiveSession session(learner_program());
  LoopbackClient slow(session.port(), 8192);
  // 6 MiB: on loopback the kernel's autotuned buffers take a couple of MiB before the
  // writer's own buffer has to fill.
  constexpr std::size_t kReplyBytes = 6u * 1024u * 1024u;
  slow.send_all("big 6144\n");
  ASSERT_TRUE(poll_until(session, [&] {
    const auto& connections = session.model().connections();
    return !connections.empty() && !connections.begin()->second.drain_stalls.empty();
  }, 5s));
  // Read it all, slowly enough that drain() has to wait more than once.
  std::size_t received_bytes = 0;
  for (int round = 0; round < 20000 && received_bytes < kReplyBytes; ++round) {
    received_bytes += slow.read_some(65536, 2s).size();
  }
  EXPECT_EQ(received_bytes, kReplyBytes);
  slow.close();
  ASSERT_TRUE(poll_until(session, [&] { return session.model().connections().begin()->second.closed_ns.has_value(); }, 5s));
  const auto& connection = session.model().connections().begin()->second;
  ASSERT_FALSE(connection.drain_stalls.empty());
  for (const auto& stall : connection.drain_stalls) {
    if (stall.end_ns == loopscope::model::kOpenEnd) continue;
    EXPECT_GT(stall.begin_level_bytes, connection.high_water_bytes);
    EXPECT_LE(stall.end_level_bytes, connection.low_water_bytes);
  }
  session.finish();
}

TEST(AsyncioSession, TheTwinsTakeTheLessonsSettingsAndCommands) {
  LiveSessionOptions options;
  options.backend = ServerBackend::AsyncioTwins;
  options.server.handler = "echo";
  options.server.high_water_bytes = 32768;
  options.server.low_water_bytes = 4096;
  LiveSession session(options);
  EXPECT_TRUE(session.takes_server_commands());
  {
    LoopbackClient client(session.port());
    client.send_all("ping\n");
    EXPECT_EQ(client.read_line().value_or("<nothing>"), "ping\n");
    ASSERT_TRUE(poll_until(session, [&] { return session.model().connections().size() == 1; }, 5s));
    EXPECT_EQ(session.model().connections().begin()->second.high_water_bytes, 32768u);
    EXPECT_EQ(session.model().connections().begin()->second.low_water_bytes, 4096u);
  }
  session.set_handler("upper");
  session.inject_blocking(200ms);
  ASSERT_TRUE(poll_until(session, [&] { return freeze_count(session) == 1; }, 5s));
  LoopbackClient client(session.port());
  client.send_all("ping\n");
  EXPECT_EQ(client.read_line().value_or("<nothing>"), "PING\n");
  session.finish();
}

TEST(AsyncioSession, AProgramThatNeverListensOrFailsIsReportedNotHung) {
  LiveSessionOptions options;
  options.backend = ServerBackend::AsyncioProgram;
  options.program = std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/scenarios/asyncio_programs/fails_at_start.py";
  try {
    LiveSession session(options);
    FAIL() << "a program that raises before it listens must not start a session";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("exit status 1"), std::string::npos) << error.what();
  }
}

namespace {

// A stand-in for the probe (found through LOOPSCOPE_HOME, as a moved checkout would be): a
// package whose __main__ writes `body` to the wire descriptor, then waits to be stopped.
class FakeProbe {
 public:
  explicit FakeProbe(const std::string& body_python_expression) {
    root_ = std::filesystem::temp_directory_path() / ("loopscope-fake-probe-" + std::to_string(::getpid()));
    const auto package = root_ / "core" / "asyncio_probe" / "loopscope_probe";
    std::filesystem::create_directories(package);
    std::ofstream(package / "__init__.py") << "";
    std::ofstream(package / "__main__.py")
        << "import os, sys, time, struct\n"
           "fd = int(sys.argv[sys.argv.index('--wire-fd') + 1])\n"
           "os.write(fd, " << body_python_expression << ")\n"
           "time.sleep(30)\n";
    const char* previous = std::getenv("LOOPSCOPE_HOME");
    if (previous != nullptr) previous_home_ = previous;
    ::setenv("LOOPSCOPE_HOME", root_.c_str(), 1);
  }
  ~FakeProbe() {
    if (previous_home_) {
      ::setenv("LOOPSCOPE_HOME", previous_home_->c_str(), 1);
    } else {
      ::unsetenv("LOOPSCOPE_HOME");
    }
    std::filesystem::remove_all(root_);
  }

 private:
  std::filesystem::path root_;
  std::optional<std::string> previous_home_;
};

// The stream's header, then a hello frame and a listening frame for 127.0.0.1:port, in Python.
std::string hello_and_listening(std::uint16_t port) {
  return "b'LSWIRE\\0\\0' + struct.pack('<II', 1, 32)"
         " + struct.pack('<B3xI', 1, 4 + 4 + 1 + 4 + 1) + struct.pack('<I', 7) + struct.pack('<I', 1) + b'x' + "
         "struct.pack('<I', 1) + b'y'"
         " + struct.pack('<B3xI', 6, 8) + struct.pack('<IHH', 0x7F000001, " + std::to_string(port) + ", 0)";
}

}  // namespace

TEST(AsyncioSession, AProbeThatSendsGarbageEndsItsSessionWithTheReasonAndNothingElse) {
  {
    FakeProbe garbage("b'this is not a wire stream at all'");
    try {
      LiveSessionOptions options = learner_program();
      options.asyncio_start_timeout = 10s;
      LiveSession session(options);
      FAIL() << "a stream without the wire header must not start a session";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find("wire stream, byte 0"), std::string::npos) << error.what();
    }
  }
  // A probe that starts well and then breaks a rule: the session ends with the rule and the
  // offset, keeps what came before, and the app (this process) carries on.
  FakeProbe breaks_later(hello_and_listening(1) + " + struct.pack('<B3xI', 99, 0)");
  LiveSession session(learner_program());
  EXPECT_EQ(session.port(), 1);
  EXPECT_EQ(session.runtime(), "x");
  ASSERT_TRUE(poll_until(session, [&] { return session.server_ended().has_value(); }, 5s));
  EXPECT_NE(session.server_ended()->find("refused"), std::string::npos) << *session.server_ended();
  EXPECT_NE(session.server_ended()->find("byte"), std::string::npos) << *session.server_ended();
  session.finish();
}
