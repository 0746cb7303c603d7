// The event log's headless half: events in words, and the filter index that must stay right
// (and incremental) while a live log grows, is taken, or is replaced by a new session's, and
// while a replay's visible part of a loaded log grows and shrinks with the replay time.
#include <gtest/gtest.h>

#include "tests/support/trace_log_builder.hpp"

#include <vector>

#include "viz/panels/event_log_filter.hpp"
#include "viz/panels/log_cursor.hpp"

namespace trace = loopscope::trace;
using loopscope::viz::describe_event;
using loopscope::viz::event_line;
using loopscope::viz::event_subject;
using loopscope::viz::events_up_to;
using loopscope::viz::EventLogIndex;
using loopscope::viz::EventLogQuery;
using loopscope::viz::EventSubject;
using loopscope::viz::LogCursor;

namespace {

constexpr auto kReadline = static_cast<std::uint8_t>(trace::AwaitKind::Readline);
constexpr auto kDrain = static_cast<std::uint8_t>(trace::AwaitKind::Drain);
constexpr auto kWriter = static_cast<std::uint8_t>(trace::BufferKind::Writer);
constexpr trace::SiteId kEchoReadline = 1;
constexpr trace::SiteId kEchoDrain = 2;

// Labels and sites as a recorder would have interned them.
class LogBuilder : public loopscope::testing::TraceLogBuilder {
 public:
  LogBuilder()
      : TraceLogBuilder({"", "echo", "slow_reader", "slow"},
                        {trace::SiteInfo{"/src/core/handlers/Echo.cpp", "echo", 14, 5},
                         trace::SiteInfo{"/src/core/handlers/Echo.cpp", "echo", 17, 5}}) {
    log().sources = {trace::SourceInfo{"loop", 0}, trace::SourceInfo{"main", 0}};
  }
};

// Two connections (7 and 70, so "task 7" must not match 70 by substring) and client 7
// (client numbers are separate from task numbers) on the other end of task 7.
LogBuilder two_connections() {
  LogBuilder builder;
  builder.add(1'000, trace::EventKind::ConnectionAccepted, 7, 0x7f000001, 0, 5000)
      .add(1'000, trace::EventKind::TaskSpawned, 7, 0, 0, 1)
      .add(2'000, trace::EventKind::TaskSuspended, 7, 0, kReadline, 0, kEchoReadline)
      .add(3'000, trace::EventKind::ConnectionAccepted, 70, 0x7f000001, 0, 5001)
      .add(3'000, trace::EventKind::TaskSpawned, 70, 0, 0, 1)
      .add(4'000, trace::EventKind::ClientSent, 7, 6)
      .add(5'000, trace::EventKind::TaskResumed, 7, 0, kReadline, 0, kEchoReadline)
      .add(6'000, trace::EventKind::BufferLevel, 7, 49'152, kWriter)
      .add(6'000, trace::EventKind::TaskSuspended, 7, 0, kDrain, 0, kEchoDrain)
      .add(6'500, trace::EventKind::TaskSuspended, 70, 0, kReadline, 0, kEchoReadline)
      .add(7'000, trace::EventKind::LoopLag, 0, 2'500'000);
  return builder;
}

std::vector<std::uint32_t> matches_of(const trace::TraceLog& log, const EventLogQuery& query) {
  EventLogIndex index;
  index.set_query(query);
  index.update(log);
  return index.matches();
}

EventLogQuery text_query(std::string text) {
  EventLogQuery query;
  query.text = std::move(text);
  return query;
}

}  // namespace

TEST(EventDescription, SaysWhatASuspensionWaitsForAndWhere) {
  auto builder = two_connections();
  const auto description = describe_event(builder.log().events[2], builder.log());
  EXPECT_EQ(description.time_ms, "0.002");
  EXPECT_EQ(description.kind, "task_suspended");
  EXPECT_EQ(description.subject, "task 7");
  EXPECT_EQ(description.detail, "awaits readline");
  EXPECT_EQ(description.value, "");
  EXPECT_EQ(description.site, "Echo.cpp:14");
}

TEST(EventDescription, ValuesCarryTheirUnits) {
  LogBuilder builder;
  builder.add(1'234'567, trace::EventKind::BufferLevel, 7, 49'152, kWriter)
      .add(2'000'000, trace::EventKind::HandlerInvoked, 0, 512'000'000)
      .add(3'000'000, trace::EventKind::StreamError, 7, 32, static_cast<std::uint8_t>(trace::StreamErrorKind::SendFailed))
      .add(4'000'000, trace::EventKind::BytesSent, 7, 300)
      .add(5'000'000, trace::EventKind::EventsDropped, 1, 12, 0, 1);
  const auto& log = builder.log();
  const auto level = describe_event(log.events[0], log);
  EXPECT_EQ(level.time_ms, "1.235");
  EXPECT_EQ(level.subject, "conn 7");
  EXPECT_EQ(level.detail, "writer buffer");
  EXPECT_EQ(level.value, "48 KiB (49152 B)") << "the rounded size for the eye, the exact count for the record";
  EXPECT_EQ(describe_event(log.events[1], log).value, "512 ms");
  EXPECT_EQ(describe_event(log.events[1], log).subject, "loop");
  EXPECT_EQ(describe_event(log.events[2], log).detail, "send_failed");
  EXPECT_EQ(describe_event(log.events[2], log).value, "errno 32");
  EXPECT_EQ(describe_event(log.events[3], log).value, "300 B");
  EXPECT_EQ(describe_event(log.events[4], log).detail, "ring full: main");
  EXPECT_EQ(describe_event(log.events[4], log).value, "12 events");
}

TEST(EventDescription, ConnectionsNameTheirPeerAndWhyTheyClosed) {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 7, 0x7f000001, 0, 5000)
      .add(10, trace::EventKind::ConnectionClosed, 7, 0x7f000001, static_cast<std::uint8_t>(trace::CloseReason::PeerReset),
           5000);
  EXPECT_EQ(describe_event(builder.log().events[0], builder.log()).detail, "peer 127.0.0.1:5000");
  EXPECT_EQ(describe_event(builder.log().events[1], builder.log()).detail, "peer_reset, peer 127.0.0.1:5000");
}

TEST(EventDescription, OneLineLeavesEmptyColumnsOut) {
  auto builder = two_connections();
  EXPECT_EQ(event_line(builder.log().events[2], builder.log()), "0.002 ms  task_suspended  task 7  awaits readline  Echo.cpp:14");
  EXPECT_EQ(event_line(builder.log().events[1], builder.log()), "0.001 ms  task_spawned  task 7  handler echo");
}

TEST(EventSubjectOf, FreezeOutsideAnyTaskIsAboutTheLoop) {
  const trace::TraceEvent in_task{0, 0, 7, 0, trace::EventKind::FreezeBegin, 0, 0, 0, 0};
  const trace::TraceEvent in_timer{0, 0, 0, 0, trace::EventKind::FreezeBegin, 0, 0, 0, 0};
  EXPECT_EQ(event_subject(in_task), EventSubject::Task);
  EXPECT_EQ(event_subject(in_timer), EventSubject::Loop);
}

TEST(EventLogFilter, EmptyQueryKeepsEverything) {
  auto builder = two_connections();
  EXPECT_EQ(matches_of(builder.log(), EventLogQuery{}).size(), builder.log().events.size());
}

TEST(EventLogFilter, TaskTermMatchesTheTaskAndItsConnectionButNotTask70OrClient7) {
  auto builder = two_connections();
  // Guards against substring matching on "task 7" (which would take task 70) and against
  // confusing client 7 with task 7 (client numbers are their own).
  EXPECT_EQ(matches_of(builder.log(), text_query("task 7")), (std::vector<std::uint32_t>{0, 1, 2, 6, 7, 8}));
  EXPECT_EQ(matches_of(builder.log(), text_query("conn 7")), (std::vector<std::uint32_t>{0, 1, 2, 6, 7, 8}));
  EXPECT_EQ(matches_of(builder.log(), text_query("Task70")), (std::vector<std::uint32_t>{3, 4, 9}));
  EXPECT_EQ(matches_of(builder.log(), text_query("client 7")), (std::vector<std::uint32_t>{5}));
}

TEST(EventLogFilter, WordsMatchKindDetailOrSiteIgnoringCase) {
  auto builder = two_connections();
  // "readline" is in the detail of suspensions and resumptions, not in any kind name.
  EXPECT_EQ(matches_of(builder.log(), text_query("READLINE")), (std::vector<std::uint32_t>{2, 6, 9}));
  EXPECT_EQ(matches_of(builder.log(), text_query("echo.cpp:17")), (std::vector<std::uint32_t>{8}));
  EXPECT_EQ(matches_of(builder.log(), text_query("loop_lag")), (std::vector<std::uint32_t>{10}));
  // Labels shape the detail of the rarer kinds: the spawn names its handler.
  EXPECT_EQ(matches_of(builder.log(), text_query("handler echo")), (std::vector<std::uint32_t>{1, 4}));
}

TEST(EventLogFilter, AnyIncludingTermAndNoExcludingTerm) {
  auto builder = two_connections();
  EXPECT_EQ(matches_of(builder.log(), text_query("task 7, -task_")), (std::vector<std::uint32_t>{0, 7}));
  EXPECT_EQ(matches_of(builder.log(), text_query("loop_lag, buffer_level")), (std::vector<std::uint32_t>{7, 10}));
  EXPECT_EQ(matches_of(builder.log(), text_query("-task_, -connection")), (std::vector<std::uint32_t>{5, 7, 10}));
  EXPECT_EQ(matches_of(builder.log(), text_query(" , ")).size(), builder.log().events.size())
      << "empty terms are no terms";
}

TEST(EventLogFilter, OnlyTheSelectedTaskKeepsItsClientToo) {
  auto builder = two_connections();
  EventLogQuery query;
  query.task = 7;
  EXPECT_EQ(matches_of(builder.log(), query), (std::vector<std::uint32_t>{0, 1, 2, 6, 7, 8}));
  query.task_client = 7;
  EXPECT_EQ(matches_of(builder.log(), query), (std::vector<std::uint32_t>{0, 1, 2, 5, 6, 7, 8}));
  query.text = "readline";
  EXPECT_EQ(matches_of(builder.log(), query), (std::vector<std::uint32_t>{2, 6}));
}

TEST(EventLogIndex, GrowsWithTheLogWithoutLookingAgainAtOldEvents) {
  auto builder = two_connections();
  EventLogIndex index;
  index.set_query(text_query("readline"));
  index.update(builder.log());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{2, 6, 9}));
  EXPECT_EQ(index.scanned_events(), 11u);

  builder.add(8'000, trace::EventKind::TaskResumed, 70, 0, kReadline, 0, kEchoReadline)
      .add(9'000, trace::EventKind::LoopLag, 0, 1'000);
  index.update(builder.log());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{2, 6, 9, 11}));
  EXPECT_EQ(index.scanned_events(), 13u);

  index.set_query(text_query("readline"));  // the same query: nothing to rebuild
  EXPECT_EQ(index.scanned_events(), 13u);
  index.set_query(text_query("lag"));
  EXPECT_EQ(index.scanned_events(), 0u) << "a new query starts the index again";
  index.update(builder.log());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{10, 12}));
}

TEST(EventLogIndex, ARebuildSpreadsOverSeveralUpdates) {
  auto builder = two_connections();
  EventLogIndex index;
  index.set_query(text_query("task 7"));
  index.update(builder.log(), 4);
  EXPECT_FALSE(index.caught_up(builder.log()));
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{0, 1, 2}));
  index.update(builder.log(), 4);
  index.update(builder.log(), 4);
  EXPECT_TRUE(index.caught_up(builder.log()));
  EXPECT_EQ(index.matches(), matches_of(builder.log(), text_query("task 7")));
}

TEST(EventLogIndex, StartsOverWhenTheLogIsTakenEvenIfItRefillsPastTheOldSize) {
  // take_log() empties the log in place; by the next frame it may already hold more events
  // than were indexed. A size check alone would keep stale indices (the bug this guards).
  auto builder = two_connections();
  EventLogIndex index;
  index.set_query(text_query("loop_lag"));
  index.update(builder.log());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{10}));

  builder.log().events.clear();
  for (std::uint64_t tick = 0; tick < 12; ++tick) builder.add(10'000 + tick, trace::EventKind::LoopLag, 0, tick);
  index.update(builder.log());
  EXPECT_EQ(index.matches().size(), 12u);
  EXPECT_EQ(index.matches().front(), 0u);
}

TEST(EventLogIndex, StartsOverForAnotherSessionsLog) {
  auto first = two_connections();
  auto second = two_connections();
  second.log().events.resize(3);
  EventLogIndex index;
  index.update(first.log());
  EXPECT_EQ(index.matches().size(), 11u);
  index.update(second.log());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{0, 1, 2}));
}

TEST(EventLogIndex, KeepsUpWithAMillionEvents) {
  LogBuilder builder;
  builder.log().events.reserve(1'000'000);
  for (std::uint32_t index = 0; index < 1'000'000; ++index) {
    const std::uint32_t task = 1 + index % 100;
    builder.add(index, trace::EventKind::TaskSuspended, task, 0, index % 2 == 0 ? kReadline : kDrain, 0,
                index % 2 == 0 ? kEchoReadline : kEchoDrain);
  }
  EventLogIndex index;
  index.set_query(text_query("task 42, -drain"));
  while (!index.caught_up(builder.log())) index.update(builder.log());
  // Task 42's events sit at odd indices (41, 141, ...), all drains; task 41's at even ones
  // (40, 140, ...), all readlines.
  EXPECT_TRUE(index.matches().empty());
  index.set_query(text_query("task 41, -drain"));
  while (!index.caught_up(builder.log())) index.update(builder.log());
  EXPECT_EQ(index.matches().size(), 10'000u);
  EXPECT_EQ(index.matches()[1], 140u);
}

TEST(EventLogIndex, LooksAgainWhenADrainMergesLateEventsIntoWhatItIndexed) {
  // Recorder::drain_into merges an event stamped before events already in the log into its
  // tail, shifting them; indices kept past that point would name the wrong events (the bug
  // this guards), and starting over each time would make every frame a full rebuild.
  auto builder = two_connections();
  EventLogIndex index;
  index.set_query(text_query("task 70"));
  index.update(builder.log(), 6);  // two frames' worth, so the cursor has an older checkpoint
  index.update(builder.log());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{3, 4, 9}));

  auto& events = builder.log().events;
  const trace::TraceEvent late{6'200, 0, 70, kEchoReadline, trace::EventKind::TaskResumed, kReadline, 0, 0, 0};
  events.insert(events.begin() + 9, late);  // between 6'000 and 6'500
  builder.add(8'000, trace::EventKind::TaskExited, 70);
  index.update(builder.log());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{3, 4, 9, 10, 12}));
  EXPECT_EQ(index.matches(), matches_of(builder.log(), text_query("task 70")));
}

TEST(EventsUpTo, CountsTheEventsAtOrBeforeATimeSoEqualTimesAreAllShown) {
  auto builder = two_connections();
  const trace::TraceLog& log = builder.log();
  EXPECT_EQ(events_up_to(log, 0), 0u);
  EXPECT_EQ(events_up_to(log, 999), 0u);
  EXPECT_EQ(events_up_to(log, 1'000), 2u) << "both events stamped 1000 ns";
  EXPECT_EQ(events_up_to(log, 5'999), 7u);
  EXPECT_EQ(events_up_to(log, 6'000), 9u);
  EXPECT_EQ(events_up_to(log, 1'000'000), 11u);
  EXPECT_EQ(events_up_to(trace::TraceLog{}, 1'000), 0u);
}

TEST(EventLogIndex, AReplayShowsOnlyTheEventsUpToItsTime) {
  auto builder = two_connections();
  const trace::TraceLog& log = builder.log();
  EventLogIndex index;
  index.set_query(text_query("readline"));
  index.update_up_to(log, events_up_to(log, 4'000));
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{2}));
  EXPECT_TRUE(index.caught_up(events_up_to(log, 4'000)));
  EXPECT_FALSE(index.caught_up(log));

  index.update_up_to(log, events_up_to(log, 6'500));
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{2, 6, 9}));
  EXPECT_EQ(index.scanned_events(), 10u);
}

TEST(EventLogIndex, ScrubbingBackDropsTheMatchesNoLongerShownAndForwardAgainScansOnlyTheNewPart) {
  // A replay scrubbed backwards shows fewer events of the same log; matches kept past the
  // replay time would list events that have not happened yet (the bug this guards).
  auto builder = two_connections();
  const trace::TraceLog& log = builder.log();
  EventLogIndex index;
  index.set_query(text_query("task 70"));
  index.update_up_to(log, log.events.size());
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{3, 4, 9}));

  index.update_up_to(log, events_up_to(log, 3'000));
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{3, 4}));
  EXPECT_EQ(index.scanned_events(), 5u);
  index.update_up_to(log, events_up_to(log, 2'000));
  EXPECT_TRUE(index.matches().empty());
  EXPECT_EQ(index.scanned_events(), 3u);

  // Forward again a step at a time: the events before the old end are the same ones, so the
  // scan picks up from there rather than from the start.
  index.update_up_to(log, log.events.size(), 2);
  EXPECT_EQ(index.scanned_events(), 5u);
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{3, 4}));
  while (!index.caught_up(log)) index.update_up_to(log, log.events.size(), 2);
  EXPECT_EQ(index.matches(), matches_of(log, text_query("task 70")));
}

TEST(EventLogIndex, StartsOverForAnotherLoadedTraceAtTheSameReplayTime) {
  auto first = two_connections();
  LogBuilder second;
  second.add(500, trace::EventKind::TaskSpawned, 70, 0, 0, 1).add(900, trace::EventKind::LoopLag, 0, 7);
  EventLogIndex index;
  index.set_query(text_query("task 70"));
  index.update_up_to(first.log(), events_up_to(first.log(), 3'000));
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{3, 4}));
  index.update_up_to(second.log(), events_up_to(second.log(), 3'000));
  EXPECT_EQ(index.matches(), (std::vector<std::uint32_t>{0}));
}

TEST(LogCursor, ResumesWhereTheLogIsStillAsRead) {
  auto builder = two_connections();
  LogCursor cursor;
  EXPECT_EQ(cursor.resume_index(builder.log()), 0u);
  cursor.advance_to(builder.log(), 5);
  cursor.advance_to(builder.log(), builder.log().events.size());
  EXPECT_EQ(cursor.resume_index(builder.log()), 11u);
  builder.add(20'000, trace::EventKind::LoopLag, 0, 1);
  EXPECT_EQ(cursor.resume_index(builder.log()), 11u) << "growth at the end keeps everything read";

  // A late event merged before the last one read: back to the newest checkpoint still in place.
  auto& events = builder.log().events;
  events.insert(events.begin() + 8, trace::TraceEvent{5'500, 0, 7, 0, trace::EventKind::LoopLag, 0, 0, 0, 0});
  EXPECT_EQ(cursor.resume_index(builder.log()), 5u);

  auto other = two_connections();
  EXPECT_EQ(cursor.resume_index(other.log()), 0u) << "same events, another log";
  builder.log().events.clear();
  EXPECT_EQ(cursor.resume_index(builder.log()), 0u) << "taken";
}
