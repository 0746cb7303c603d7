// Duration histograms: exact count, sum and extremes; percentiles within a bucket's width of
// the exact nearest-rank value; per group from a trace model.
#include <gtest/gtest.h>

#include <random>

#include "core/model/duration_histogram.hpp"
#include "core/model/model_queries.hpp"
#include "core/model/trace_histograms.hpp"
#include "tests/support/trace_log_builder.hpp"

namespace model = loopscope::model;
namespace trace = loopscope::trace;

TEST(DurationHistogram, CountsSumAndExtremesAreExact) {
  model::DurationHistogram histogram;
  EXPECT_EQ(histogram.percentile_ns(50), 0u);
  for (std::uint64_t ns : {5u, 1000u, 1'000'000u, 3u}) histogram.add(ns);
  EXPECT_EQ(histogram.count(), 4u);
  EXPECT_EQ(histogram.total_ns(), 1'001'008u);
  EXPECT_EQ(histogram.min_ns(), 3u);
  EXPECT_EQ(histogram.max_ns(), 1'000'000u);
  EXPECT_EQ(histogram.percentile_ns(100), 1'000'000u);
}

TEST(DurationHistogram, BucketsAreOrderedAndEachValueFallsInsideItsBucket) {
  for (int bucket = 1; bucket < model::DurationHistogram::kBucketCount; ++bucket) {
    ASSERT_GE(model::DurationHistogram::bucket_lower_ns(bucket), model::DurationHistogram::bucket_lower_ns(bucket - 1));
  }
  std::mt19937_64 random(7);
  for (int sample = 0; sample < 10000; ++sample) {
    const std::uint64_t ns = random() >> (random() % 40 + 20);
    const int bucket = model::DurationHistogram::bucket_of(ns);
    ASSERT_LE(model::DurationHistogram::bucket_lower_ns(bucket), std::max<std::uint64_t>(ns, 1)) << ns;
    if (bucket + 1 < model::DurationHistogram::kBucketCount) {
      ASSERT_GT(model::DurationHistogram::bucket_lower_ns(bucket + 1), ns) << ns;
    }
  }
}

TEST(DurationHistogram, PercentilesAreWithinTwelvePercentOfTheExactOnes) {
  std::mt19937_64 random(11);
  std::lognormal_distribution<double> durations(13.0, 1.5);  // around 0.4 ms, spread over decades
  model::DurationHistogram histogram;
  std::vector<std::uint64_t> exact;
  for (int sample = 0; sample < 20000; ++sample) {
    const auto ns = static_cast<std::uint64_t>(durations(random)) + 1;
    histogram.add(ns);
    exact.push_back(ns);
  }
  for (double p : {10.0, 50.0, 90.0, 99.0}) {
    const double truth = static_cast<double>(*model::percentile(exact, p));
    const double estimate = static_cast<double>(histogram.percentile_ns(p));
    EXPECT_NEAR(estimate / truth, 1.0, 0.12) << "p" << p;
  }
}

TEST(DurationHistogram, FormatsAPercentileLine) {
  model::DurationHistogram histogram;
  EXPECT_EQ(model::format_histogram_line(histogram), "none");
  for (int i = 0; i < 10; ++i) histogram.add(400'000'000);
  const std::string line = model::format_histogram_line(histogram);
  EXPECT_NE(line.find("n 10"), std::string::npos) << line;
  EXPECT_NE(line.find("max 400 ms"), std::string::npos) << line;
}

TEST(TraceHistograms, ReadWaitsAndRoundTripsArePerGroupAndCallbacksAreTheLoops) {
  loopscope::testing::TraceLogBuilder builder({"", "echo", "fast", "slow", "client"});
  constexpr auto kReadline = static_cast<std::uint8_t>(trace::AwaitKind::Readline);
  // Client 100 (group fast, port 40001) is served by task 1; client 101 (slow, 40002) by task 2.
  builder.add(0, trace::EventKind::ClientStarted, 100, 2, 0, 4)
      .add(0, trace::EventKind::ClientStarted, 101, 3, 0, 4)
      .add(0, trace::EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 40001)
      .add(0, trace::EventKind::ClientConnected, 100, 0, 0, 40001)
      .add(0, trace::EventKind::TaskSpawned, 1, 0, 0, 1)
      .add(0, trace::EventKind::ConnectionAccepted, 2, 0x7f000001, 0, 40002)
      .add(0, trace::EventKind::ClientConnected, 101, 0, 0, 40002)
      .add(0, trace::EventKind::TaskSpawned, 2, 0, 0, 1)
      .add(10, trace::EventKind::TaskSuspended, 1, 0, kReadline)
      .add(10, trace::EventKind::TaskSuspended, 2, 0, kReadline)
      .add(20, trace::EventKind::HandlerInvoked, 0, 5)
      .add(1010, trace::EventKind::TaskResumed, 1, 0, kReadline)
      .add(1020, trace::EventKind::ClientReply, 100, 900)
      .add(5010, trace::EventKind::TaskResumed, 2, 0, kReadline)
      .add(5020, trace::EventKind::ClientReply, 101, 4900)
      .add(6000, trace::EventKind::TaskExited, 1, 0)
      .add(6000, trace::EventKind::TaskExited, 2, 0);
  const auto built = model::TraceModel::from_log(builder.log());
  EXPECT_EQ(model::client_groups(built), (std::vector<std::string>{"fast", "slow"}));
  const auto all = model::histograms_of(built);
  EXPECT_EQ(all.callbacks.count(), 1u);
  EXPECT_EQ(all.read_waits.count(), 2u);
  EXPECT_EQ(all.round_trips.count(), 2u);
  const auto fast = model::histograms_of(built, "fast");
  EXPECT_EQ(fast.read_waits.count(), 1u);
  EXPECT_EQ(fast.read_waits.max_ns(), 1000u);
  EXPECT_EQ(fast.round_trips.max_ns(), 900u);
  EXPECT_EQ(fast.callbacks.count(), 1u);  // the loop's, whichever group
  EXPECT_EQ(model::histograms_of(built, "slow").read_waits.max_ns(), 5000u);
}
