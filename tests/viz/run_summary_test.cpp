// The one-line summary of each half of a comparison: its figures come from the model, and a
// figure stands out only when it is far above the other run's.
#include <gtest/gtest.h>

#include "core/model/trace_model.hpp"
#include "tests/support/trace_log_builder.hpp"
#include "viz/compare/run_summary.hpp"

namespace model = loopscope::model;
namespace trace = loopscope::trace;
namespace viz = loopscope::viz;
using loopscope::testing::TraceLogBuilder;
using trace::EventKind;

namespace {

constexpr std::uint64_t kMs = 1'000'000;

std::uint8_t writer() { return static_cast<std::uint8_t>(trace::BufferKind::Writer); }

// Two connections (two handlers), three drain stalls (the last still open), one 120 ms freeze,
// and twenty replies of 1..20 ms.
model::TraceModel recorded_run() {
  TraceLogBuilder builder({"write_without_drain", "write_with_drain", "stalled_reader", "undrained"});
  builder.add(0, EventKind::ConnectionAccepted, 1, 0, 0, 40000)
      .add(0, EventKind::TaskSpawned, 1, 0, 0, 0)
      .add(0, EventKind::ConnectionAccepted, 2, 0, 0, 40001)
      .add(0, EventKind::TaskSpawned, 2, 0, 0, 1)
      .add(kMs, EventKind::ClientStarted, 100, 3, 0, 2)
      .add(2 * kMs, EventKind::BufferLevel, 1, 300'000, writer())
      .add(3 * kMs, EventKind::BufferLevel, 1, 1'048'576, writer())
      .add(4 * kMs, EventKind::BufferLevel, 1, 2'000, writer())
      .add(5 * kMs, EventKind::BufferLevel, 2, 90'000, writer())
      .add(6 * kMs, EventKind::DrainStallBegin, 2, 90'000)
      .add(7 * kMs, EventKind::DrainStallEnd, 2, 16'000)
      .add(8 * kMs, EventKind::DrainStallBegin, 2, 80'000)
      .add(9 * kMs, EventKind::DrainStallEnd, 2, 16'000)
      .add(10 * kMs, EventKind::FreezeBegin, 1)
      .add(130 * kMs, EventKind::FreezeEnd, 1, 120 * kMs);
  for (std::uint64_t reply = 1; reply <= 20; ++reply) {
    builder.add(130 * kMs + reply * kMs, EventKind::ClientReply, 100, reply * kMs);
  }
  builder.add(200 * kMs, EventKind::DrainStallBegin, 2, 70'000);
  return model::TraceModel::from_log(builder.log());
}

}  // namespace

TEST(RunSummary, FiguresComeFromTheModel) {
  const viz::RunSummary summary = viz::summarize_run(recorded_run());
  EXPECT_EQ(summary.peak_writer_buffer_bytes, 1'048'576u) << "the highest level of any connection's writer buffer";
  EXPECT_EQ(summary.drain_stalls, 3u) << "a stall under way counts";
  EXPECT_EQ(summary.longest_freeze_ns, 120 * kMs);
  ASSERT_TRUE(summary.p95_reply_latency_ns.has_value());
  EXPECT_EQ(*summary.p95_reply_latency_ns, 19 * kMs) << "nearest rank: the 19th of 20";
  EXPECT_EQ(summary.replies, 20u);
  EXPECT_EQ(summary.tasks, 2u);
  EXPECT_EQ(summary.handlers, (std::vector<std::string>{"write_without_drain", "write_with_drain"}));
}

TEST(RunSummary, AnEmptyRunHasNoRepliesAndNoFreeze) {
  const viz::RunSummary summary = viz::summarize_run(model::TraceModel{});
  EXPECT_EQ(summary.peak_writer_buffer_bytes, 0u);
  EXPECT_EQ(summary.longest_freeze_ns, 0u);
  EXPECT_FALSE(summary.p95_reply_latency_ns.has_value());
  const auto figures = viz::summary_figures(summary, summary);
  ASSERT_EQ(figures.size(), 4u);
  EXPECT_EQ(figures[2].value, "none");
  EXPECT_EQ(figures[3].value, "no replies");
}

TEST(RunSummary, AFigureStandsOutOnlyWhenFarAboveTheOtherRuns) {
  viz::RunSummary undrained;
  undrained.peak_writer_buffer_bytes = 1'048'576;
  undrained.p95_reply_latency_ns = 400 * kMs;
  viz::RunSummary drained;
  drained.peak_writer_buffer_bytes = 131'072;
  drained.drain_stalls = 12;
  drained.p95_reply_latency_ns = 390 * kMs;
  const auto undrained_figures = viz::summary_figures(undrained, drained);
  const auto drained_figures = viz::summary_figures(drained, undrained);
  ASSERT_EQ(undrained_figures.size(), 4u);
  EXPECT_EQ(undrained_figures[0].label, "peak writer buffer");
  EXPECT_EQ(undrained_figures[0].value, "1.0 MiB");
  EXPECT_TRUE(undrained_figures[0].stands_out);
  EXPECT_FALSE(drained_figures[0].stands_out);
  EXPECT_TRUE(drained_figures[1].stands_out) << "12 drain stalls against none";
  EXPECT_FALSE(undrained_figures[1].stands_out);
  EXPECT_FALSE(undrained_figures[3].stands_out) << "400 ms against 390 ms is no contrast";
  EXPECT_FALSE(drained_figures[3].stands_out);
}

TEST(RunSummary, TinyDifferencesDoNotStandOutEvenWhenTwiceAsHigh) {
  EXPECT_TRUE(viz::stands_out(200, 100, 50));
  EXPECT_FALSE(viz::stands_out(199, 100, 50)) << "less than twice";
  EXPECT_FALSE(viz::stands_out(3, 1, 5)) << "three times, but only by 2";
  EXPECT_FALSE(viz::stands_out(0, 0, 0)) << "equal is never a contrast";
  EXPECT_TRUE(viz::stands_out(1, 0, 1));
}

TEST(RunSummary, ARunWithoutRepliesIsNotComparedOnLatency) {
  viz::RunSummary replied;
  replied.p95_reply_latency_ns = 900 * kMs;
  const viz::RunSummary silent;
  EXPECT_FALSE(viz::summary_figures(replied, silent)[3].stands_out);
  EXPECT_FALSE(viz::summary_figures(silent, replied)[3].stands_out);
}
