// The once-a-second summary of `loopscope serve`.
#include <gtest/gtest.h>

#include "core/model/live_summary.hpp"

namespace trace = loopscope::trace;
using loopscope::model::LiveSummary;

namespace {
trace::TraceEvent event(std::uint64_t time_ns, trace::EventKind kind, std::uint32_t subject, std::uint64_t value = 0,
                        std::uint8_t detail = 0) {
  return trace::TraceEvent{time_ns, value, subject, 0, kind, detail, 0, 0, 0};
}
}  // namespace

TEST(LiveSummary, CountsConnectionsTaskStatesBytesAndStalls) {
  LiveSummary summary;
  summary.consume({event(1, trace::EventKind::ConnectionAccepted, 1), event(1, trace::EventKind::TaskSpawned, 1),
                   event(2, trace::EventKind::TaskSuspended, 1, 0, static_cast<std::uint8_t>(trace::AwaitKind::Readline)),
                   event(3, trace::EventKind::ConnectionAccepted, 2), event(3, trace::EventKind::TaskSpawned, 2),
                   event(4, trace::EventKind::TaskSuspended, 2, 0, static_cast<std::uint8_t>(trace::AwaitKind::Drain)),
                   event(4, trace::EventKind::DrainStallBegin, 2, 70000), event(5, trace::EventKind::BytesReceived, 1, 10),
                   event(6, trace::EventKind::BytesSent, 2, 64), event(7, trace::EventKind::LoopLag, 0, 5'000'000),
                   event(8, trace::EventKind::ConnectionRefused, 0)});
  const auto totals = summary.take_interval();
  EXPECT_EQ(totals.connections_open, 2u);
  EXPECT_EQ(totals.connections_refused, 1u);
  EXPECT_EQ(totals.tasks_awaiting_read, 1u);
  EXPECT_EQ(totals.tasks_awaiting_drain, 1u);
  EXPECT_EQ(totals.tasks_running, 0u);
  EXPECT_EQ(totals.bytes_in, 10u);
  EXPECT_EQ(totals.bytes_out, 64u);
  EXPECT_EQ(totals.drain_stalls, 1u);
  EXPECT_EQ(totals.max_loop_lag_ns, 5'000'000u);
  // The lag window restarts; the totals do not.
  EXPECT_EQ(summary.take_interval().max_loop_lag_ns, 0u);
  summary.consume({event(9, trace::EventKind::TaskExited, 1), event(9, trace::EventKind::ConnectionClosed, 1)});
  const auto later = summary.take_interval();
  EXPECT_EQ(later.tasks_exited, 1u);
  EXPECT_EQ(later.tasks_awaiting_read, 0u);
  EXPECT_EQ(later.connections_open, 1u);
}

// Guards the summary line's wording: scripts and docs quote it.
TEST(LiveSummary, FormatsOneLineWithEveryFigure) {
  loopscope::model::SummarySnapshot snapshot;
  snapshot.connections_open = 3;
  snapshot.bytes_in = 2048;
  snapshot.max_loop_lag_ns = 1'500'000;
  const auto line = loopscope::model::format_summary_line(snapshot, 12);
  EXPECT_NE(line.find("[12s] connections 3 open"), std::string::npos) << line;
  EXPECT_NE(line.find("in 2.0 KiB"), std::string::npos) << line;
  EXPECT_NE(line.find("max loop lag 1.5 ms"), std::string::npos) << line;
  EXPECT_NE(line.find("dropped events 0"), std::string::npos) << line;
}
