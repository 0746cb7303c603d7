// The Chrome export is read by Perfetto and by users' scripts, so its names and numbers are a
// public interface: these tests parse it as JSON and look for exactly the documented names.

#include "core/trace/chrome_export.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/trace/hook.hpp"

namespace loopscope::trace {
namespace {

using nlohmann::json;

TraceEvent make_event(std::uint64_t time_ns, EventKind kind, std::uint32_t subject, std::uint64_t value = 0,
                      std::uint8_t detail = 0, SiteId site = 0, std::uint16_t aux = 0) {
  return TraceEvent{time_ns, value, subject, site, kind, detail, aux, 0, 0};
}

// One echo connection that reads a line, fills its writer past the high-water mark, waits in
// drain, freezes the loop with a blocking call, and exits.
TraceLog echo_session() {
  TraceLog log;
  log.start_unix_ns = 1'700'000'000'000'000'000ull;
  log.sources = {{"loop", 0}, {"main", 3}};
  log.labels = {"", "echo", "step 2: slow reader"};
  log.sites = {{"/src/core/handlers/echo.cpp", "echo", 12, 5}, {"/src/core/handlers/echo.cpp", "echo", 14, 9}};
  const std::uint8_t readline = detail_of(AwaitKind::Readline);
  const std::uint8_t drain = detail_of(AwaitKind::Drain);
  const std::uint8_t writer = detail_of(BufferKind::Writer);
  log.events = {
      make_event(0, EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 0, 54321),
      make_event(500, EventKind::TaskSpawned, 1, 0, 0, 0, 1),
      make_event(1000, EventKind::TaskSuspended, 1, 0, readline, 1),
      make_event(3000, EventKind::TaskResumed, 1, 0, readline, 1),
      make_event(3500, EventKind::BufferLevel, 1, 70000, writer),
      make_event(3600, EventKind::BufferLimit, 1, 65536, writer, 0, static_cast<std::uint16_t>(LimitKind::HighWater)),
      make_event(4000, EventKind::TaskSuspended, 1, 0, drain, 2),
      make_event(4000, EventKind::DrainStallBegin, 1, 70000, 0, 2),
      make_event(9000, EventKind::DrainStallEnd, 1, 16000, 0, 2),
      make_event(9000, EventKind::TaskResumed, 1, 0, drain, 2),
      make_event(10000, EventKind::HandlerInvoked, 0, 250),
      make_event(11000, EventKind::FreezeBegin, 1, 0, 0, 1),
      make_event(12000, EventKind::BlockingCall, 0, 400, 0, 1),
      make_event(20000, EventKind::FreezeEnd, 1, 9000, 0, 1),
      make_event(21000, EventKind::LoopLag, 0, 1'500'000),
      make_event(22000, EventKind::EventsDropped, 0, 3, 0, 0, 1),
      make_event(23000, EventKind::Mark, 0, 2),
      make_event(23500, EventKind::StreamError, 1, 4096, detail_of(StreamErrorKind::LineTooLong)),
      make_event(24000, EventKind::ConnectionClosed, 1, 0, detail_of(CloseReason::Closed)),
      make_event(24000, EventKind::TaskExited, 1, 0, detail_of(ExitReason::PeerEof)),
      make_event(25000, EventKind::ConnectionRefused, 2, 0xC0A80001, 0, 0, 40000),
  };
  return log;
}

json parse_export(const TraceLog& log) {
  const std::string text = export_chrome_trace_json(log);
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << "export is not valid JSON:\n" << text;
  return parsed;
}

std::vector<json> events_named(const json& trace, std::string_view name) {
  std::vector<json> found;
  for (const json& event : trace.at("traceEvents")) {
    if (event.at("name").get_ref<const std::string&>() == name) found.push_back(event);
  }
  return found;
}

json only_event_named(const json& trace, std::string_view name) {
  const std::vector<json> found = events_named(trace, name);
  EXPECT_EQ(found.size(), 1u) << "events named '" << name << "'";
  return found.empty() ? json::object() : found.front();
}

std::string thread_name(const json& trace, std::uint64_t tid) {
  for (const json& event : events_named(trace, "thread_name")) {
    if (event.at("tid") == tid) return event.at("args").at("name");
  }
  return "(unnamed)";
}

std::vector<json> slices_on(const json& trace, std::uint64_t tid, std::string_view name) {
  std::vector<json> found;
  for (const json& event : events_named(trace, name)) {
    if (event.at("ph") == "X" && event.at("tid") == tid) found.push_back(event);
  }
  return found;
}

// Guards chat broadcasts: two tasks waiting in drain() on one connection give two nested
// stall slices, not one slice and an orphaned end.
TEST(ChromeExportTest, TwoWaitersOnOneConnectionGiveTwoNestedStalls) {
  TraceLog log;
  log.labels = {""};
  log.events = {
      make_event(100, EventKind::DrainStallBegin, 5, 70000),
      make_event(200, EventKind::DrainStallBegin, 5, 71000),
      make_event(900, EventKind::DrainStallEnd, 5, 16000),
      make_event(901, EventKind::DrainStallEnd, 5, 16000),
  };
  const json trace = parse_export(log);
  const auto stalls = slices_on(trace, 5 + kChromeDrainStallTidOffset, "drain stall");
  ASSERT_EQ(stalls.size(), 2u);
  EXPECT_TRUE(events_named(trace, "drain stall end (begin not recorded)").empty());
  // The later begin closes first, so the two slices nest: [0.200, 0.900] inside [0.100, 0.901].
  EXPECT_DOUBLE_EQ(stalls[0].at("ts").get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(stalls[1].at("ts").get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(stalls[1].at("dur").get<double>(), 0.801);
}

TEST(ChromeExportTest, TopLevelHasDisplayUnitEventsAndRecordingMetadata) {
  const json trace = parse_export(echo_session());
  EXPECT_EQ(trace.at("displayTimeUnit"), "ns");
  ASSERT_TRUE(trace.at("traceEvents").is_array());
  const json& other = trace.at("otherData");
  EXPECT_EQ(other.at("schema_version"), kTraceSchemaVersion);
  EXPECT_EQ(other.at("start_unix_ns").get<std::uint64_t>(), 1'700'000'000'000'000'000ull)
      << "start time must be written exactly, not through a double";
  EXPECT_EQ(other.at("dropped_events_total"), 3);
  ASSERT_EQ(other.at("sources").size(), 2u);
  EXPECT_EQ(other.at("sources")[1].at("name"), "main");
  EXPECT_EQ(other.at("sources")[1].at("dropped_events"), 3);
}

TEST(ChromeExportTest, ProcessAndTracksCarryTheDocumentedNames) {
  const json trace = parse_export(echo_session());
  const json process = only_event_named(trace, "process_name");
  EXPECT_EQ(process.at("ph"), "M");
  EXPECT_EQ(process.at("pid"), 1);
  EXPECT_EQ(process.at("args").at("name"), "loopscope server");
  EXPECT_EQ(thread_name(trace, 0), "event loop");
  EXPECT_EQ(thread_name(trace, 1), "task 1 (echo)") << "task label comes from TaskSpawned's aux";
  EXPECT_EQ(thread_name(trace, 1 + kChromeDrainStallTidOffset), "task 1 drain stalls");
}

TEST(ChromeExportTest, TaskStatesBecomeSlicesWithDurationsMatchingTheEvents) {
  const json trace = parse_export(echo_session());
  const std::vector<json> awaiting_line = slices_on(trace, 1, "awaiting readline");
  ASSERT_EQ(awaiting_line.size(), 1u);
  // Suspended at 1000 ns, resumed at 3000 ns: 2 µs, in microseconds.
  EXPECT_DOUBLE_EQ(awaiting_line[0].at("ts").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(awaiting_line[0].at("dur").get<double>(), 2.0);
  EXPECT_EQ(awaiting_line[0].at("args").at("site"), "echo.cpp:12");
  EXPECT_EQ(awaiting_line[0].at("args").at("call"), "reader.readline()");

  const std::vector<json> awaiting_drain = slices_on(trace, 1, "awaiting drain");
  ASSERT_EQ(awaiting_drain.size(), 1u);
  EXPECT_DOUBLE_EQ(awaiting_drain[0].at("dur").get<double>(), 5.0);
  EXPECT_EQ(awaiting_drain[0].at("args").at("call"), "writer.drain()");

  // Running: spawn..suspend, resume..suspend, resume..exit; nothing left open after exit.
  const std::vector<json> running = slices_on(trace, 1, "running");
  ASSERT_EQ(running.size(), 3u);
  std::vector<std::pair<double, double>> spans;
  for (const json& slice : running) spans.emplace_back(slice.at("ts"), slice.at("dur"));
  std::sort(spans.begin(), spans.end());
  EXPECT_DOUBLE_EQ(spans[0].first, 0.5);
  EXPECT_DOUBLE_EQ(spans[0].second, 0.5);
  EXPECT_DOUBLE_EQ(spans[1].first, 3.0);
  EXPECT_DOUBLE_EQ(spans[1].second, 1.0);
  EXPECT_DOUBLE_EQ(spans[2].first, 9.0);
  EXPECT_DOUBLE_EQ(spans[2].second, 15.0);

  const json exited = only_event_named(trace, "exited");
  EXPECT_EQ(exited.at("ph"), "i");
  EXPECT_EQ(exited.at("tid"), 1);
  EXPECT_EQ(exited.at("args").at("reason"), "peer_eof");
}

TEST(ChromeExportTest, DrainStallIsASliceOnItsOwnTrackWithBothLevels) {
  const json trace = parse_export(echo_session());
  const std::vector<json> stalls = slices_on(trace, 1 + kChromeDrainStallTidOffset, "drain stall");
  ASSERT_EQ(stalls.size(), 1u);
  EXPECT_DOUBLE_EQ(stalls[0].at("ts").get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(stalls[0].at("dur").get<double>(), 5.0);
  EXPECT_EQ(stalls[0].at("args").at("start_level_bytes"), 70000);
  EXPECT_EQ(stalls[0].at("args").at("end_level_bytes"), 16000);
  EXPECT_EQ(stalls[0].at("args").at("site"), "echo.cpp:14");
}

TEST(ChromeExportTest, LoopTrackShowsHandlersBlockingCallsAndFreezes) {
  const json trace = parse_export(echo_session());
  const json handler = only_event_named(trace, "handler");
  EXPECT_EQ(handler.at("ph"), "X");
  EXPECT_EQ(handler.at("tid"), 0);
  EXPECT_DOUBLE_EQ(handler.at("dur").get<double>(), 0.25);

  const json blocking = only_event_named(trace, "blocking call");
  EXPECT_EQ(blocking.at("tid"), 0);
  EXPECT_DOUBLE_EQ(blocking.at("dur").get<double>(), 0.4);
  EXPECT_EQ(blocking.at("args").at("site"), "echo.cpp:12");

  const json freeze = only_event_named(trace, "freeze");
  EXPECT_EQ(freeze.at("ph"), "X");
  EXPECT_EQ(freeze.at("tid"), 0);
  EXPECT_DOUBLE_EQ(freeze.at("ts").get<double>(), 11.0);
  EXPECT_DOUBLE_EQ(freeze.at("dur").get<double>(), 9.0);
  EXPECT_EQ(freeze.at("args").at("task"), 1);
  EXPECT_EQ(freeze.at("args").at("site"), "echo.cpp:12");
  EXPECT_DOUBLE_EQ(freeze.at("args").at("duration_ms").get<double>(), 0.009);
}

TEST(ChromeExportTest, CountersShowBufferLevelsLimitsAndLoopLag) {
  const json trace = parse_export(echo_session());
  const json level = only_event_named(trace, "conn 1 writer buffer");
  EXPECT_EQ(level.at("ph"), "C");
  EXPECT_EQ(level.at("args").at("bytes"), 70000);
  const json limit = only_event_named(trace, "conn 1 writer high_water");
  EXPECT_EQ(limit.at("ph"), "C");
  EXPECT_EQ(limit.at("args").at("bytes"), 65536);
  const json lag = only_event_named(trace, "loop lag");
  EXPECT_EQ(lag.at("ph"), "C");
  EXPECT_DOUBLE_EQ(lag.at("args").at("lag_ms").get<double>(), 1.5);
}

TEST(ChromeExportTest, InstantsForDropsMarksConnectionsAndErrors) {
  const json trace = parse_export(echo_session());
  const json dropped = only_event_named(trace, "events dropped");
  EXPECT_EQ(dropped.at("ph"), "i");
  EXPECT_EQ(dropped.at("s"), "g") << "drops affect every track, so they are global instants";
  EXPECT_EQ(dropped.at("args").at("count"), 3);
  EXPECT_EQ(dropped.at("args").at("source"), "main");

  const json mark = only_event_named(trace, "step 2: slow reader");
  EXPECT_EQ(mark.at("ph"), "i");

  const json accepted = only_event_named(trace, "connection accepted");
  EXPECT_EQ(accepted.at("tid"), 1);
  EXPECT_EQ(accepted.at("args").at("peer"), "127.0.0.1:54321");
  const json refused = only_event_named(trace, "connection refused");
  EXPECT_EQ(refused.at("tid"), 0);
  EXPECT_EQ(refused.at("args").at("peer"), "192.168.0.1:40000");
  const json closed = only_event_named(trace, "connection closed");
  EXPECT_EQ(closed.at("args").at("reason"), "closed");
  const json error = only_event_named(trace, "stream error");
  EXPECT_EQ(error.at("args").at("kind"), "line_too_long");
  EXPECT_EQ(error.at("args").at("value"), 4096);
}

TEST(ChromeExportTest, TimestampsKeepEveryNanosecondAsThreeFractionalDigits) {
  TraceLog log;
  log.sources = {{"loop", 0}};
  log.events = {make_event(1'234'567, EventKind::HandlerInvoked, 0, 1'001),
                make_event(5'000'000'000'007, EventKind::HandlerInvoked, 0, 0)};
  const std::string text = export_chrome_trace_json(log);
  EXPECT_NE(text.find("\"ts\":1234.567,\"dur\":1.001"), std::string::npos) << text;
  EXPECT_NE(text.find("\"ts\":5000000000.007,\"dur\":0.000"), std::string::npos) << text;
}

TEST(ChromeExportTest, SlicesStillOpenAtTheEndAreClosedAtTheLastEvent) {
  TraceLog log;
  log.sources = {{"loop", 0}};
  log.events = {
      make_event(1000, EventKind::TaskSuspended, 7, 0, detail_of(AwaitKind::Readline)),
      make_event(1500, EventKind::DrainStallBegin, 7, 90000),
      make_event(2000, EventKind::FreezeBegin, 7),
      make_event(6000, EventKind::LoopLag, 0, 10),
  };
  const json trace = parse_export(log);
  const std::vector<json> waiting = slices_on(trace, 7, "awaiting readline");
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_DOUBLE_EQ(waiting[0].at("dur").get<double>(), 5.0);
  EXPECT_EQ(waiting[0].at("args").at("unfinished"), true);
  const std::vector<json> stall = slices_on(trace, 7 + kChromeDrainStallTidOffset, "drain stall");
  ASSERT_EQ(stall.size(), 1u);
  EXPECT_DOUBLE_EQ(stall[0].at("dur").get<double>(), 4.5);
  const json freeze = only_event_named(trace, "freeze");
  EXPECT_DOUBLE_EQ(freeze.at("dur").get<double>(), 4.0);
  EXPECT_EQ(thread_name(trace, 7), "task 7") << "a task never seen spawning has no label";
}

TEST(ChromeExportTest, CancelledAwaitIsAnInstantAndResumeStartsRunningAgain) {
  TraceLog log;
  log.sources = {{"loop", 0}};
  log.events = {
      make_event(100, EventKind::TaskSpawned, 3),
      make_event(200, EventKind::TaskSuspended, 3, 0, detail_of(AwaitKind::Sleep)),
      make_event(700, EventKind::AwaitCancelled, 3, 0, detail_of(AwaitKind::Sleep)),
      make_event(700, EventKind::TaskResumed, 3, 0, detail_of(AwaitKind::Sleep)),
      make_event(900, EventKind::TaskExited, 3, 0, detail_of(ExitReason::Cancelled)),
  };
  const json trace = parse_export(log);
  EXPECT_EQ(only_event_named(trace, "cancelled").at("args").at("call"), "sleep()");
  EXPECT_EQ(slices_on(trace, 3, "awaiting sleep").size(), 1u);
  EXPECT_EQ(slices_on(trace, 3, "running").size(), 2u);
  EXPECT_EQ(only_event_named(trace, "exited").at("args").at("reason"), "cancelled");
}

TEST(ChromeExportTest, OddLabelTextIsEscapedIntoValidJsonAndReadsBackUnchanged) {
  const std::string odd = std::string("say \"hi\"\\ now\nthen\ttab \x01\x1f end") + std::string(1, '\0') + "nul é";
  TraceLog log;
  log.sources = {{"lo\"op\n", 0}};
  log.labels = {"", odd, "bad utf8 \xff\xc0\x80 \xed\xa0\x80 cut \xe2\x82"};
  log.sites = {{"C:\\path\\with \"quotes\".cpp", "f", 3, 1}};
  log.events = {
      make_event(10, EventKind::TaskSpawned, 1, 0, 0, 0, 1),
      make_event(20, EventKind::TaskSuspended, 1, 0, detail_of(AwaitKind::Read), 1),
      make_event(30, EventKind::Mark, 0, 1),
      make_event(40, EventKind::Mark, 0, 2),
  };
  const std::string text = export_chrome_trace_json(log);
  EXPECT_NE(text.find("\\u0001"), std::string::npos) << "control characters use \\u00XX";
  EXPECT_NE(text.find("\\u001f"), std::string::npos);
  const json trace = parse_export(log);
  EXPECT_EQ(thread_name(trace, 1), "task 1 (" + odd + ")");
  EXPECT_EQ(events_named(trace, odd).size(), 1u);
  EXPECT_EQ(trace.at("otherData").at("sources")[0].at("name"), "lo\"op\n");
  EXPECT_EQ(slices_on(trace, 1, "awaiting read").at(0).at("args").at("site"), "C:\\path\\with \"quotes\".cpp:3");
  // Bytes that are not UTF-8 become U+FFFD instead of making the whole file unreadable.
  EXPECT_EQ(events_named(trace, "bad utf8 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
                                "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd cut \xef\xbf\xbd\xef\xbf\xbd")
                .size(),
            1u)
      << text;
}

TEST(ChromeExportTest, EmptyTraceIsStillAValidFileWithTheProcessNamed) {
  const json trace = parse_export(TraceLog{});
  EXPECT_EQ(only_event_named(trace, "process_name").at("args").at("name"), "loopscope server");
  EXPECT_EQ(thread_name(trace, 0), "event loop");
}

TEST(ChromeExportTest, SavedFileHoldsExactlyTheExportedText) {
  std::random_device entropy;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("loopscope-chrome-export-test-" + std::to_string(entropy()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "trace.json";
  const TraceLog log = echo_session();
  save_chrome_trace(log, path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), export_chrome_trace_json(log));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace loopscope::trace
