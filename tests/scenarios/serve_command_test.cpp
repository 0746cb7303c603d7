// `loopscope serve` end to end: the real binary, a real client, SIGTERM, the trace file.
#include <algorithm>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/trace/native_format.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/loopback_client.hpp"

using namespace std::chrono_literals;
using loopscope::testing::ChildProcess;
using loopscope::testing::LoopbackClient;

namespace {

const std::string kBinary = LOOPSCOPE_BINARY;

std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("loopscope-serve-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::uint16_t port_from(const std::string& first_line) {
  const std::string prefix = "listening on 127.0.0.1:";
  EXPECT_EQ(first_line.rfind(prefix, 0), 0u) << first_line;
  return static_cast<std::uint16_t>(std::stoi(first_line.substr(prefix.size())));
}

}  // namespace

// Guards the "done when" of the core issue: a session is answered and its exported trace
// shows the task, its suspensions, its buffers and the loop.
TEST(ServeCommand, AnswersAClientAndWritesAChromeTraceOnSigterm) {
  const auto dir = scratch_dir("chrome");
  const auto trace_path = dir / "session.json";
  ChildProcess serve({kBinary, "serve", "--port", "0", "--handler", "upper", "--trace", trace_path.string()});
  const auto first = serve.read_line(10s);
  ASSERT_TRUE(first.has_value()) << serve.read_stderr();
  {
    LoopbackClient client(port_from(*first));
    client.send_all("hello loop\n");
    EXPECT_EQ(client.read_line(), "HELLO LOOP\n");
    client.shutdown_write();
    std::string rest;
    EXPECT_TRUE(client.read_until_eof(rest));
  }
  // At least one summary line arrives, once a second.
  const auto summary = serve.read_line(5s);
  ASSERT_TRUE(summary.has_value());
  EXPECT_NE(summary->find("connections"), std::string::npos) << *summary;
  EXPECT_NE(summary->find("max loop lag"), std::string::npos) << *summary;

  serve.signal(SIGTERM);
  const auto exit_code = serve.wait_exit(15s);
  ASSERT_TRUE(exit_code.has_value()) << "serve did not stop on SIGTERM";
  EXPECT_EQ(*exit_code, 0) << serve.read_stderr();
  EXPECT_NE(serve.stdout_seen().find("1 accepted"), std::string::npos);

  std::ifstream file(trace_path);
  ASSERT_TRUE(file.good()) << "no trace at " << trace_path;
  const auto trace = nlohmann::json::parse(file);
  std::set<std::string> names;
  bool task_track_named = false;
  for (const auto& event : trace.at("traceEvents")) {
    names.insert(event.at("name").get<std::string>());
    if (event.at("name") == "thread_name" && event.at("args").at("name").get<std::string>().find("(upper)") != std::string::npos) {
      task_track_named = true;
    }
  }
  EXPECT_TRUE(task_track_named);
  for (const char* expected : {"running", "awaiting readline", "handler", "loop lag", "connection accepted",
                               "connection closed", "exited"}) {
    EXPECT_TRUE(names.count(expected)) << "missing " << expected;
  }
  bool has_buffer_counter = false;
  for (const auto& name : names) has_buffer_counter |= name.find("reader buffer") != std::string::npos;
  EXPECT_TRUE(has_buffer_counter);
  std::filesystem::remove_all(dir);
}

TEST(ServeCommand, DurationStopsItAndANativeTraceLoadsBack) {
  const auto dir = scratch_dir("native");
  const auto trace_path = dir / "session.lstrace";
  ChildProcess serve({kBinary, "serve", "--port", "0", "--duration", "3", "--trace", trace_path.string()});
  const auto first = serve.read_line(10s);
  ASSERT_TRUE(first.has_value());
  {
    LoopbackClient client(port_from(*first));
    client.send_all("ping\n");
    EXPECT_EQ(client.read_line(), "ping\n");
  }
  const auto exit_code = serve.wait_exit(15s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0) << serve.read_stderr();
  const auto log = loopscope::trace::load_native_trace(trace_path);
  std::size_t spawned = 0;
  for (const auto& event : log.events) spawned += event.kind == loopscope::trace::EventKind::TaskSpawned;
  EXPECT_EQ(spawned, 1u);
  std::filesystem::remove_all(dir);
}

// Without --trace: the final summary names the mistake (docs/warnings.md) and gives the
// duration histograms, so a headless run says what the app would show.
TEST(ServeCommand, TheFinalSummaryNamesTheBlockingCallAndGivesTheDurations) {
  ChildProcess serve({kBinary, "serve", "--port", "0", "--handler", "blocking_sleep"});
  const auto first = serve.read_line(10s);
  ASSERT_TRUE(first.has_value()) << serve.read_stderr();
  {
    LoopbackClient client(port_from(*first));
    client.send_all("nap\n");
    EXPECT_EQ(client.read_line(), "slept:nap\n");
  }
  // The summary line after the sleep has counted the freeze: the trace has what it needs.
  for (int lines = 0; lines < 20 && serve.stdout_seen().find("freezes 1") == std::string::npos; ++lines) {
    if (!serve.read_line(5s)) break;
  }
  serve.signal(SIGTERM);
  const auto exit_code = serve.wait_exit(15s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0) << serve.read_stderr();
  for (int lines = 0; lines < 200 && serve.read_line(2s); ++lines) {
  }  // the rest of what it printed, up to EOF
  const std::string out = serve.stdout_seen();
  EXPECT_NE(out.find("[slow_callback]"), std::string::npos) << out;
  EXPECT_NE(out.find("a blocking call at blocking_sleep.cpp:"), std::string::npos) << out;
  EXPECT_NE(out.find("durations:"), std::string::npos) << out;
  EXPECT_NE(out.find("callbacks"), std::string::npos) << out;
  EXPECT_NE(out.find("read waits"), std::string::npos) << out;
}

// `nc` is served by every model: the loop, a thread per connection and the pool, each on the
// same handler and bytes; the final summary says what the process cost with it connected.
TEST(ServeCommand, EveryModelServesAClientAsNcWould) {
  for (const std::string model : {"loop", "threads", "pool"}) {
    ChildProcess serve({kBinary, "serve", "--port", "0", "--model", model, "--handler", "upper", "--duration", "2"});
    const auto first = serve.read_line(10s);
    ASSERT_TRUE(first.has_value()) << model << ": " << serve.read_stderr();
    {
      LoopbackClient client(port_from(*first));
      client.send_all("hello " + model + "\n");
      EXPECT_EQ(client.read_line(), "HELLO " + std::string(model == "loop" ? "LOOP" : model == "threads" ? "THREADS" : "POOL") +
                                        "\n")
          << model;
      client.shutdown_write();
      std::string rest;
      EXPECT_EQ(client.read_to_end(rest), LoopbackClient::StreamEnd::Fin) << model;
    }
    const auto exit_code = serve.wait_exit(15s);
    ASSERT_TRUE(exit_code.has_value()) << model;
    EXPECT_EQ(*exit_code, 0) << model << ": " << serve.read_stderr();
    for (int lines = 0; lines < 200 && serve.read_line(2s); ++lines) {
    }  // the rest of what it printed, up to EOF
    const std::string out = serve.stdout_seen();
    EXPECT_NE(out.find("process: "), std::string::npos) << out;
    if (model == "pool") {
      EXPECT_NE(out.find("a pool of threads, 50 threads"), std::string::npos) << out;
    }
    // A thread's close() is done when it returns: no "close not awaited" for the threads.
    if (model != "loop") {
      EXPECT_EQ(out.find("[close_not_awaited]"), std::string::npos) << out;
    }
  }
}

TEST(ServeCommand, UnknownHandlerIsRefusedWithTheChoices) {
  ChildProcess serve({kBinary, "serve", "--handler", "nosuch"});
  const auto exit_code = serve.wait_exit(10s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_NE(*exit_code, 0);
  EXPECT_NE(serve.read_stderr().find("echo"), std::string::npos);
}

// Guards: `serve --handler nope`, `--line-limit 0` and `open missing.trace` exited 105 (CLI11's
// own code) while docs/serve.md promised 2; --line-limit 0 also named a range up to 1.8e308.
TEST(CommandLine, EveryInvalidOptionOrMissingFileExitsTwoWithOneClearLine) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"serve", "--handler", "nope"}, "--handler"},
      {{"serve", "--line-limit", "0"}, "--line-limit: must be above 0"},
      {{"serve", "--duration", "-1"}, "--duration: must be 0 or more"},
      {{"serve", "--no-such-option"}, "--no-such-option"},
      {{"open", "missing.trace"}, "missing.trace"},
      {{"lesson", "--speed", "0"}, "--speed: must be above 0"},
      {{"gui", "--tab", "nope"}, "--tab"},
      {{"serve", "--model", "fibers"}, "--model"},
      {{"serve", "--model", "pool", "--handler", "chat_naive"}, "the pool model has no chat_naive handler"},
      {{"serve", "--model", "pool", "--pool-threads", "0"}, "--pool-threads: must be above 0"},
      {{"lesson", "threads-vs-async", "--server", "asyncio"}, "runs on Loopscope's own server only"},
  };
  for (const auto& [arguments, named] : cases) {
    std::vector<std::string> argv = {kBinary};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    ChildProcess command(argv);
    const auto exit_code = command.wait_exit(10s);
    ASSERT_TRUE(exit_code.has_value()) << arguments[0];
    const std::string error = command.read_stderr();
    EXPECT_EQ(2, *exit_code) << arguments[0] << " " << arguments[1] << ": " << error;
    EXPECT_NE(std::string::npos, error.find(named)) << error;
    EXPECT_EQ(1, std::count(error.begin(), error.end(), '\n')) << "one line: " << error;
  }
  ChildProcess help({kBinary, "serve", "--help"});
  EXPECT_EQ(0, help.wait_exit(10s).value_or(-1)) << "asking for help is not an error";
}

TEST(ServeCommand, PortInUseIsAClearError) {
  ChildProcess first_server({kBinary, "serve", "--port", "0"});
  const auto first = first_server.read_line(10s);
  ASSERT_TRUE(first.has_value());
  const auto port = std::to_string(port_from(*first));
  ChildProcess second_server({kBinary, "serve", "--port", port});
  const auto exit_code = second_server.wait_exit(10s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 1);
  EXPECT_NE(second_server.read_stderr().find("cannot listen on 127.0.0.1:" + port), std::string::npos);
  first_server.signal(SIGTERM);
  EXPECT_TRUE(first_server.wait_exit(15s).has_value());
}
