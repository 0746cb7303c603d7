// `loopscope asyncio ... --trace FILE`: the learner's server headless, as a user runs it. The
// real binary in a child process, a real python3 under it; every wait is bounded.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "core/trace/native_format.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/loopback_client.hpp"

using namespace std::chrono_literals;
using loopscope::testing::ChildProcess;
using loopscope::testing::LoopbackClient;

namespace {

const std::string kBinary = LOOPSCOPE_BINARY;
const std::string kExample = std::string(LOOPSCOPE_SOURCE_DIR) + "/assets/examples/my_server.py";

std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("loopscope-asyncio-command-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

// "tracing /x/my_server.py (CPython 3.11.7), listening on 127.0.0.1:40123" -> 40123
std::uint16_t port_from(const std::string& line) {
  return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
}

}  // namespace

TEST(AsyncioCommand, TracesTheLearnersServerHeadlessAndSavesATraceOnCtrlC) {
  const auto trace_path = scratch_dir("trace") / "mine.trace";
  ChildProcess command({kBinary, "asyncio", "--trace", trace_path.string(), kExample, "0"});
  std::optional<std::string> first;
  for (int line = 0; line < 10 && !(first && first->starts_with("tracing ")); ++line) first = command.read_line(20s);
  ASSERT_TRUE(first && first->starts_with("tracing ")) << command.read_stderr();
  EXPECT_NE(first->find("CPython 3."), std::string::npos) << *first;
  {
    LoopbackClient client(port_from(*first));
    client.send_all("sleep\n");
    EXPECT_EQ(client.read_line(5s).value_or("<nothing>"), "slept\n");
    client.send_all("quit\n");
    EXPECT_EQ(client.read_line(5s).value_or("<nothing>"), "bye\n");
  }
  // A summary line a second, as serve prints.
  std::optional<std::string> summary;
  for (int line = 0; line < 10 && !(summary && summary->find("max loop lag") != std::string::npos); ++line) {
    summary = command.read_line(5s);
  }
  ASSERT_TRUE(summary.has_value());
  command.signal(SIGINT);
  // Everything it prints on the way out (warnings, durations, where the trace went), to EOF.
  for (int line = 0; line < 500 && command.read_line(10s).has_value(); ++line) {
  }
  const auto exit_code = command.wait_exit(20s);
  ASSERT_TRUE(exit_code.has_value()) << "loopscope asyncio did not stop on Ctrl-C";
  EXPECT_EQ(*exit_code, 0) << command.read_stderr();
  EXPECT_NE(command.stdout_seen().find("[slow_callback]"), std::string::npos) << command.stdout_seen();
  EXPECT_NE(command.stdout_seen().find("my_server.py"), std::string::npos);

  // The saved trace is a native trace like any other: open, compare and export take it.
  const auto log = loopscope::trace::load_native_trace(trace_path.string());
  bool saw_freeze = false;
  for (const auto& event : log.events) saw_freeze |= event.kind == loopscope::trace::EventKind::FreezeEnd;
  EXPECT_TRUE(saw_freeze);
  std::filesystem::remove_all(trace_path.parent_path());
}

TEST(AsyncioCommand, AMissingFileOrProgramIsAClearErrorWithItsExitCode) {
  ChildProcess missing({kBinary, "asyncio", "--trace", "/tmp/never.trace", "/no/such/server.py"});
  EXPECT_EQ(missing.wait_exit(10s).value_or(-1), 2);
  ChildProcess nothing({kBinary, "asyncio"});
  EXPECT_EQ(nothing.wait_exit(10s).value_or(-1), 2);
  ChildProcess unknown_option({kBinary, "asyncio", "--bogus", kExample});
  EXPECT_EQ(unknown_option.wait_exit(10s).value_or(-1), 2);
  EXPECT_NE(unknown_option.read_stderr().find("unknown option --bogus"), std::string::npos);
  ChildProcess missing_in_the_app({kBinary, "asyncio", "/no/such/server.py"});
  EXPECT_EQ(missing_in_the_app.wait_exit(10s).value_or(-1), 2) << "refused before any window opens";
  ChildProcess failing({kBinary, "asyncio", "--trace", "/tmp/never.trace",
                        std::string(LOOPSCOPE_SOURCE_DIR) + "/tests/scenarios/asyncio_programs/fails_at_start.py"});
  EXPECT_EQ(failing.wait_exit(20s).value_or(-1), 1);
  EXPECT_NE(failing.read_stderr().find("did not start"), std::string::npos);
}
