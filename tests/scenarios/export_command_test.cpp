// `loopscope export IN --chrome OUT.json`: a saved trace becomes JSON that Perfetto reads, with
// the names docs/trace-format.md promises; a damaged trace is refused with its reason.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "core/trace/native_format.hpp"
#include "scenarios/commands/export_command.hpp"

using loopscope::scenarios::ExportOptions;
using loopscope::scenarios::run_export_command;
using nlohmann::json;
namespace trace = loopscope::trace;

namespace {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("loopscope-export-test-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

trace::TraceEvent event(std::uint64_t time_ns, trace::EventKind kind, std::uint32_t subject, std::uint64_t value = 0,
                        std::uint8_t detail = 0, std::uint16_t aux = 0, trace::SiteId site = 0,
                        trace::SourceId source = 0) {
  return trace::TraceEvent{time_ns, value, subject, site, kind, detail, aux, source, 0};
}

// One echo task that reads, stalls in drain, and exits; one freeze; one scripted client.
trace::TraceLog small_session() {
  using trace::EventKind;
  constexpr auto kReadline = static_cast<std::uint8_t>(trace::AwaitKind::Readline);
  constexpr auto kDrain = static_cast<std::uint8_t>(trace::AwaitKind::Drain);
  constexpr auto kWriter = static_cast<std::uint8_t>(trace::BufferKind::Writer);
  trace::TraceLog log;
  log.start_unix_ns = 1'700'000'000'000'000'000;
  log.sources = {{"loop", 0}, {"clients", 0}};
  log.labels = {"", "echo", "fast", "group-a"};
  log.sites = {{"core/handlers/echo.cpp", "echo", 14, 5}, {"core/handlers/echo.cpp", "echo", 16, 5}};
  log.events = {
      event(0, EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 5000),
      event(0, EventKind::TaskSpawned, 1, 0, 0, 1),
      event(10, EventKind::ClientStarted, 1, 3, 0, 2, 0, 1),
      event(20, EventKind::ClientConnected, 1, 0, 0, 5000, 0, 1),
      event(100, EventKind::TaskSuspended, 1, 0, kReadline, 0, 1),
      event(300, EventKind::TaskResumed, 1, 0, kReadline, 0, 1),
      event(350, EventKind::BufferLimit, 1, 65536, kWriter, static_cast<std::uint16_t>(trace::LimitKind::HighWater)),
      event(390, EventKind::BufferLevel, 1, 70000, kWriter),
      event(400, EventKind::DrainStallBegin, 1, 70000, 0, 0, 2),
      event(400, EventKind::TaskSuspended, 1, 0, kDrain, 0, 2),
      event(900, EventKind::HandlerInvoked, 0, 50),
      event(1000, EventKind::DrainStallEnd, 1, 16000, 0, 0, 2),
      event(1000, EventKind::TaskResumed, 1, 0, kDrain, 0, 2),
      event(1100, EventKind::ClientReply, 1, 900, 0, 0, 0, 1),
      event(2000, EventKind::FreezeBegin, 1, 0, 0, 0, 2),
      event(2600, EventKind::FreezeEnd, 1, 600, 0, 0, 2),
      event(3000, EventKind::TaskExited, 1, 0, static_cast<std::uint8_t>(trace::ExitReason::PeerEof)),
  };
  return log;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandRun run_export(const std::filesystem::path& input, const std::filesystem::path& output) {
  std::ostringstream out, err;
  CommandRun run;
  run.exit_code = run_export_command(ExportOptions{input.string(), output.string()}, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace

// Guards the "the export validates": the JSON parses, has traceEvents, and carries the
// documented track and event names, so it opens in Perfetto as docs/trace-format.md says.
TEST(ExportCommand, WritesChromeJsonWithTheDocumentedNames) {
  const ScratchDir dir("valid");
  const auto input = dir / "session.lstrace";
  const auto output = dir / "session.json";
  const auto log = small_session();
  trace::save_native_trace(log, input);

  const CommandRun run = run_export(input, output);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "wrote " + output.string() + " (" + std::to_string(log.events.size()) + " events)\n");
  EXPECT_EQ(run.err, "");

  const json exported = json::parse(read_file(output));  // throws, failing the test, if it is not JSON
  ASSERT_TRUE(exported.contains("traceEvents"));
  ASSERT_TRUE(exported.at("traceEvents").is_array());
  EXPECT_EQ(exported.at("displayTimeUnit"), "ns");
  EXPECT_EQ(exported.at("otherData").at("schema_version"), 1);
  std::set<std::string> names;
  std::set<std::string> track_names;
  for (const json& item : exported.at("traceEvents")) {
    ASSERT_TRUE(item.contains("ph")) << item.dump();
    ASSERT_TRUE(item.contains("name")) << item.dump();
    names.insert(item.at("name").get<std::string>());
    if (item.at("name") == "thread_name" || item.at("name") == "process_name") {
      track_names.insert(item.at("args").at("name").get<std::string>());
    }
  }
  for (const char* name : {"running", "awaiting readline", "awaiting drain", "drain stall", "freeze", "handler",
                           "exited", "connection accepted", "conn 1 writer buffer", "conn 1 writer high_water",
                           "request", "client started", "client connected"}) {
    EXPECT_TRUE(names.contains(name)) << "no event named '" << name << "'";
  }
  for (const char* track : {"loopscope server", "event loop", "task 1 (echo)", "task 1 drain stalls"}) {
    EXPECT_TRUE(track_names.contains(track)) << "no track named '" << track << "'";
  }
}

// Guards "a corrupt file is refused with its reason": exit 2, the loader's reason after the
// command's name, and no output file left behind.
TEST(ExportCommand, RefusesADamagedTraceWithItsReasonAndExitCode2) {
  const ScratchDir dir("corrupt");
  const auto good = dir / "good.lstrace";
  trace::save_native_trace(small_session(), good);
  const std::string bytes = read_file(good);

  // A bit changed in the last event's value (before the 8-byte checksum, 8 bytes into the
  // 32-byte record): only the checksum can notice it.
  std::string flipped = bytes;
  const std::size_t last_event_value = bytes.size() - 8 - 32 + 8;
  flipped[last_event_value] = static_cast<char>(flipped[last_event_value] ^ 0x01);
  write_file(dir / "flipped.lstrace", flipped);
  write_file(dir / "truncated.lstrace", bytes.substr(0, 20));  // cut inside the header
  write_file(dir / "notes.lstrace", "these are my lecture notes, not a trace\n");

  const struct {
    const char* file;
    const char* reason;
  } cases[] = {{"flipped.lstrace", "checksum mismatch"},
               {"truncated.lstrace", "truncated"},
               {"notes.lstrace", "not a Loopscope trace"},
               {"missing.lstrace", "missing.lstrace"}};
  for (const auto& damaged : cases) {
    const auto output = dir / (std::string(damaged.file) + ".json");
    const CommandRun run = run_export(dir / damaged.file, output);
    EXPECT_EQ(run.exit_code, 2) << damaged.file;
    EXPECT_TRUE(run.err.starts_with("loopscope export: ")) << run.err;
    EXPECT_NE(run.err.find(damaged.reason), std::string::npos) << damaged.file << ": " << run.err;
    EXPECT_EQ(run.out, "") << damaged.file;
    EXPECT_FALSE(std::filesystem::exists(output)) << damaged.file;
  }
}

TEST(ExportCommand, MissingArgumentsAreRefusedWithExitCode2) {
  std::ostringstream out, err;
  EXPECT_EQ(run_export_command(ExportOptions{"", "out.json"}, out, err), 2);
  EXPECT_NE(err.str().find("loopscope export: "), std::string::npos);
  std::ostringstream out2, err2;
  EXPECT_EQ(run_export_command(ExportOptions{"in.lstrace", ""}, out2, err2), 2);
  EXPECT_NE(err2.str().find("--chrome"), std::string::npos) << err2.str();
}

TEST(ExportCommand, AnUnwritableOutputFailsWithExitCode1) {
  const ScratchDir dir("unwritable");
  const auto input = dir / "session.lstrace";
  trace::save_native_trace(small_session(), input);
  const auto output = dir / "no-such-folder" / "out.json";
  const CommandRun run = run_export(input, output);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no-such-folder"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(output));
}

// Guards "drops are shown, never hidden": the command says when the recording was incomplete.
TEST(ExportCommand, SaysWhenTheRecordingDroppedEvents) {
  const ScratchDir dir("dropped");
  auto log = small_session();
  log.sources[0].dropped_events = 12;
  log.events.push_back(event(3100, trace::EventKind::EventsDropped, 0, 12));
  const auto input = dir / "session.lstrace";
  trace::save_native_trace(log, input);
  const CommandRun run = run_export(input, dir / "session.json");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("dropped 12 events"), std::string::npos) << run.out;
}

// Guards the learner's way home: a built-in lesson's name exports the recorded run it ships
// with, lesson steps included; a name that is neither a file nor a lesson is refused.
TEST(ExportCommand, ALessonNameExportsItsShippedRecordedRun) {
  const ScratchDir dir("shipped");
  const auto output = dir / "drain.json";
  std::ostringstream out, err;
  ASSERT_EQ(run_export_command(ExportOptions{"drain-backpressure", output.string()}, out, err), 0) << err.str();
  std::ifstream file(output);
  const json exported = json::parse(file);
  bool has_step = false;
  for (const json& event : exported["traceEvents"]) {
    if (event.value("name", "") == "lesson step 1") has_step = true;
  }
  EXPECT_TRUE(has_step) << "the shipped run records its lesson steps";
  std::ostringstream out2, err2;
  EXPECT_EQ(run_export_command(ExportOptions{"no-such-lesson-or-file", (dir / "x.json").string()}, out2, err2), 2);
  EXPECT_NE(err2.str().find("no-such-lesson-or-file"), std::string::npos) << err2.str();
}
