// The recorder turns per-thread rings into one time-ordered TraceLog. These tests pin the
// promises the model and the timeline rely on: order, site and label identity, and that no
// loss of events goes unreported.

#include "core/trace/recorder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <source_location>
#include <thread>
#include <vector>

#include "core/trace/hook.hpp"

namespace loopscope::trace {
namespace {

constexpr std::uint64_t kTickStep = 1000;  // far enough apart that tick->ns rounding keeps order

std::vector<std::uint64_t> values_of_kind(const TraceLog& log, EventKind kind) {
  std::vector<std::uint64_t> values;
  for (const TraceEvent& event : log.events) {
    if (event.kind == kind) values.push_back(event.value);
  }
  return values;
}

bool ordered_by_time(const TraceLog& log) {
  return std::is_sorted(log.events.begin(), log.events.end(),
                        [](const TraceEvent& a, const TraceEvent& b) { return a.time_ns < b.time_ns; });
}

TEST(RecorderTest, EventsFromTwoThreadsMergeByTimeNotByThread) {
  Recorder recorder;
  const std::uint64_t origin = recorder.origin_ticks();
  // Thread "a" records the odd steps, thread "b" the even ones; only a time merge interleaves them.
  const auto produce = [&](std::string_view name, std::uint64_t first_step) {
    auto attachment = recorder.attach_current_thread(name);
    for (std::uint64_t step = first_step; step < 20; step += 2) {
      record_at(origin + (step + 1) * kTickStep, EventKind::BytesSent, 1, step);
    }
  };
  std::thread thread_a(produce, "a", 1);
  thread_a.join();
  std::thread thread_b(produce, "b", 0);
  thread_b.join();

  TraceLog log;
  EXPECT_EQ(recorder.drain_into(log), 20u);
  ASSERT_EQ(log.sources.size(), 2u);
  EXPECT_EQ(log.sources[0].name, "a");
  EXPECT_EQ(log.sources[1].name, "b");
  ASSERT_EQ(log.events.size(), 20u);
  for (std::size_t index = 0; index < log.events.size(); ++index) {
    const TraceEvent& event = log.events[index];
    EXPECT_EQ(event.value, index);
    // Each event remembers which ring it came from.
    EXPECT_EQ(event.source_id, index % 2 == 1 ? 0 : 1) << "event " << index;
  }
  EXPECT_TRUE(ordered_by_time(log));
}

TEST(RecorderTest, LateEventsStampedBeforeAlreadyDrainedOnesAreMergedNotAppended) {
  Recorder recorder;
  const std::uint64_t origin = recorder.origin_ticks();
  TraceLog log;
  auto outer = recorder.attach_current_thread("early");
  record_at(origin + 10 * kTickStep, EventKind::BytesSent, 1, 10);
  record_at(origin + 30 * kTickStep, EventKind::BytesSent, 1, 30);
  recorder.drain_into(log);
  {
    // A producer that read the clock before the first drain but published after it.
    auto inner = recorder.attach_current_thread("late");
    record_at(origin + 20 * kTickStep, EventKind::BytesSent, 1, 20);
  }
  recorder.drain_into(log);
  EXPECT_EQ(values_of_kind(log, EventKind::BytesSent), (std::vector<std::uint64_t>{10, 20, 30}));
  EXPECT_TRUE(ordered_by_time(log));
}

TEST(RecorderTest, SameSourceLocationInternsToOneSiteAndDistinctLinesToDistinctSites) {
  Recorder recorder;
  TraceLog log;
  std::uint32_t loop_line = 0;
  std::uint32_t other_line = 0;
  {
    auto attachment = recorder.attach_current_thread("loop");
    for (int repeat = 0; repeat < 3; ++repeat) {
      const auto site = std::source_location::current();
      loop_line = site.line();
      record(EventKind::TaskSuspended, 1, 0, detail_of(AwaitKind::Readline), site);
    }
    const auto other_site = std::source_location::current();
    other_line = other_site.line();
    record(EventKind::TaskSuspended, 1, 0, detail_of(AwaitKind::Drain), other_site);
    record(EventKind::TaskSuspended, 1, 0, detail_of(AwaitKind::Drain),
           std::source_location::current());
    record(EventKind::TaskResumed, 1);  // no site
  }
  recorder.drain_into(log);
  ASSERT_EQ(log.events.size(), 6u);
  const SiteId repeated = log.events[0].site_id;
  EXPECT_NE(repeated, 0u);
  EXPECT_EQ(log.events[1].site_id, repeated);
  EXPECT_EQ(log.events[2].site_id, repeated);
  EXPECT_NE(log.events[3].site_id, repeated);
  EXPECT_NE(log.events[4].site_id, repeated);
  EXPECT_NE(log.events[4].site_id, log.events[3].site_id);
  EXPECT_EQ(log.events[5].site_id, 0u) << "an event without a site must not get one";
  EXPECT_EQ(log.sites.size(), 3u);

  const SiteInfo* info = log.site(repeated);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->line, loop_line);
  EXPECT_NE(info->file.find("recorder_test.cpp"), std::string::npos);
  EXPECT_EQ(log.site(log.events[3].site_id)->line, other_line);
  EXPECT_EQ(log.site_text(repeated), "recorder_test.cpp:" + std::to_string(loop_line));
}

TEST(RecorderTest, EventsFromAThreadThatNeverAttachedAreCountedNotSilentlyLost) {
  Recorder recorder;
  const std::uint64_t before = unattached_drops();
  std::thread stray([] {
    for (int index = 0; index < 5; ++index) record(EventKind::BytesSent, 1, 1);
  });
  stray.join();
  EXPECT_EQ(unattached_drops() - before, 5u);
  TraceLog log;
  EXPECT_EQ(recorder.drain_into(log), 0u);
  EXPECT_TRUE(log.events.empty());
}

TEST(RecorderTest, FullRingDropsBecomeAnEventsDroppedEventAndTheSourceTotal) {
  Recorder recorder(4);
  TraceLog log;
  auto attachment = recorder.attach_current_thread("loop");
  for (std::uint64_t value = 0; value < 10; ++value) record(EventKind::BytesSent, 1, value);
  recorder.drain_into(log);

  EXPECT_EQ(values_of_kind(log, EventKind::BytesSent), (std::vector<std::uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(values_of_kind(log, EventKind::EventsDropped), (std::vector<std::uint64_t>{6}));
  ASSERT_EQ(log.sources.size(), 1u);
  EXPECT_EQ(log.sources[0].dropped_events, 6u);
  EXPECT_EQ(log.dropped_events_total(), 6u);
  const auto dropped = std::find_if(log.events.begin(), log.events.end(),
                                    [](const TraceEvent& e) { return e.kind == EventKind::EventsDropped; });
  EXPECT_EQ(dropped->aux, 0) << "aux names the source whose ring overflowed";

  // A second overflow reports only the new drops as an event; the source keeps the total.
  for (std::uint64_t value = 10; value < 15; ++value) record(EventKind::BytesSent, 1, value);
  recorder.drain_into(log);
  EXPECT_EQ(values_of_kind(log, EventKind::EventsDropped), (std::vector<std::uint64_t>{6, 1}));
  EXPECT_EQ(log.sources[0].dropped_events, 7u);

  // A drain without new drops adds no EventsDropped event.
  recorder.drain_into(log);
  EXPECT_EQ(values_of_kind(log, EventKind::EventsDropped).size(), 2u);
  EXPECT_TRUE(ordered_by_time(log));
}

// Another process's events (the asyncio probe's) join the log as a source of their own,
// merged by time with the rings' events, their sites interned by text beside the process's own.
TEST(RecorderTest, ForeignEventsMergeByTimeWithTheRingsAndKeepTheirSource) {
  Recorder recorder;
  TraceLog log;
  auto attachment = recorder.attach_current_thread("main");
  const SourceId foreign = recorder.add_foreign_source("asyncio");
  const SiteId python_site = recorder.intern_site(SiteInfo{"/home/me/server.py", "handle", 9, 0});
  EXPECT_NE(python_site, 0u);
  EXPECT_EQ(recorder.intern_site(SiteInfo{"/home/me/server.py", "handle", 9, 0}), python_site)
      << "the same text is the same site";
  EXPECT_NE(recorder.intern_site(SiteInfo{"/home/me/server.py", "handle", 10, 0}), python_site);
  EXPECT_EQ(recorder.intern_site(SiteInfo{"/home/me/server.py", "handle", 0, 0}), 0u) << "line 0 is no site";

  const std::uint64_t now = recorder.now_ns();
  record(EventKind::Mark, 0, 1);  // a ring event, stamped now
  const std::vector<TraceEvent> foreign_events = {
      TraceEvent{now + 2'000'000, 7, 1, python_site, EventKind::TaskSuspended, 1, 0, 0, 0},
      // Stamped before the ring's event: a freeze is stamped when it began.
      TraceEvent{now > 1'000'000 ? now - 1'000'000 : 0, 0, 1, python_site, EventKind::FreezeBegin, 0, 0, 0, 0},
  };
  recorder.add_foreign_events(foreign, foreign_events);
  recorder.drain_into(log);
  ASSERT_EQ(log.events.size(), 3u);
  EXPECT_TRUE(ordered_by_time(log));
  EXPECT_EQ(log.events[0].kind, EventKind::FreezeBegin);
  EXPECT_EQ(log.events[2].kind, EventKind::TaskSuspended);
  EXPECT_EQ(log.events[0].source_id, foreign);
  EXPECT_EQ(log.sources.at(foreign).name, "asyncio");
  ASSERT_NE(log.site(python_site), nullptr);
  EXPECT_EQ(log.site_text(python_site), "server.py:9");
  EXPECT_EQ(recorder.last_batch().size(), 3u);

  // Drops the other process reports become an EventsDropped event for its source, once.
  recorder.set_foreign_dropped_total(foreign, 5);
  recorder.drain_into(log);
  recorder.set_foreign_dropped_total(foreign, 5);
  recorder.drain_into(log);
  EXPECT_EQ(values_of_kind(log, EventKind::EventsDropped), (std::vector<std::uint64_t>{5}));
  EXPECT_EQ(log.sources.at(foreign).dropped_events, 5u);
  EXPECT_THROW(recorder.add_foreign_events(0, foreign_events), std::invalid_argument) << "source 0 is a ring";
}

TEST(RecorderTest, LabelsInternToStableIdsAndReachTheLog) {
  Recorder recorder;
  const std::uint16_t echo = recorder.intern_label("echo");
  const std::uint16_t upper = recorder.intern_label("upper");
  EXPECT_NE(echo, 0) << "label 0 is reserved for 'none'";
  EXPECT_NE(echo, upper);
  EXPECT_EQ(recorder.intern_label("echo"), echo);
  EXPECT_EQ(recorder.intern_label(""), 0);

  TraceLog log;
  recorder.drain_into(log);
  EXPECT_EQ(log.label(echo), "echo");
  EXPECT_EQ(log.label(upper), "upper");
  EXPECT_EQ(log.label(0), "");

  // A label added after the first drain reaches the log on the next one.
  const std::uint16_t chat = recorder.intern_label("chat");
  recorder.drain_into(log);
  EXPECT_EQ(log.label(chat), "chat");
}

TEST(RecorderTest, DestroyingANestedAttachmentRestoresTheOuterRing) {
  Recorder recorder;
  TraceLog log;
  const std::uint64_t unattached_before = unattached_drops();
  {
    auto outer = recorder.attach_current_thread("outer");
    record(EventKind::BytesSent, 1, 1);
    {
      auto inner = recorder.attach_current_thread("inner");
      record(EventKind::BytesSent, 1, 2);
    }
    record(EventKind::BytesSent, 1, 3);  // must land in "outer" again, not in a dead ring
  }
  record(EventKind::BytesSent, 1, 4);  // after every attachment is gone: unattached
  EXPECT_EQ(unattached_drops() - unattached_before, 1u);

  recorder.drain_into(log);
  ASSERT_EQ(log.sources.size(), 2u);
  ASSERT_EQ(log.events.size(), 3u);
  for (const TraceEvent& event : log.events) {
    const std::string& source = log.sources[event.source_id].name;
    EXPECT_EQ(source, event.value == 2 ? "inner" : "outer") << "value " << event.value;
  }
}

TEST(RecorderTest, MovedAttachmentKeepsRecordingAndTheMovedFromOneDetachesNothing) {
  Recorder recorder;
  TraceLog log;
  {
    auto first = recorder.attach_current_thread("loop");
    auto second = std::move(first);
    record(EventKind::BytesSent, 1, 1);
  }
  const std::uint64_t before = unattached_drops();
  record(EventKind::BytesSent, 1, 2);
  EXPECT_EQ(unattached_drops() - before, 1u) << "the move target must detach on destruction";
  recorder.drain_into(log);
  EXPECT_EQ(values_of_kind(log, EventKind::BytesSent), (std::vector<std::uint64_t>{1}));
}

}  // namespace
}  // namespace loopscope::trace

namespace loopscope::trace {
namespace {

// A thread per connection, ten thousand over a session: each takes a pooled ring and hands it
// back, so the sources stay as many as the threads alive at once, and every event still lands.
TEST(RecorderPooledRings, ThreadsOneAfterAnotherShareOneRingAndLoseNothing) {
  Recorder recorder;
  for (std::uint32_t thread = 1; thread <= 20; ++thread) {
    std::thread worker([&recorder, thread] {
      auto attachment = recorder.attach_pooled_thread("thread", 64);
      record(EventKind::Mark, thread);
    });
    worker.join();
  }
  // Two alive at once need two rings.
  std::thread first([&recorder] {
    auto attachment = recorder.attach_pooled_thread("thread", 64);
    std::thread second([&recorder] {
      auto inner = recorder.attach_pooled_thread("thread", 64);
      record(EventKind::Mark, 100);
    });
    second.join();
    record(EventKind::Mark, 99);
  });
  first.join();
  TraceLog log;
  recorder.drain_into(log);
  EXPECT_EQ(log.sources.size(), 2u);
  EXPECT_EQ(log.sources[0].name, "thread 1");
  EXPECT_EQ(log.sources[1].name, "thread 2");
  std::vector<std::uint32_t> subjects;
  for (const TraceEvent& event : log.events) subjects.push_back(event.subject_id);
  std::sort(subjects.begin(), subjects.end());
  ASSERT_EQ(subjects.size(), 22u);
  EXPECT_EQ(subjects.front(), 1u);
  EXPECT_EQ(subjects.back(), 100u);
}

}  // namespace
}  // namespace loopscope::trace
