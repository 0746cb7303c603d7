// The span index behind zoomed-out task lanes: its answers must equal a plain walk over the
// spans, and it must never answer from spans that are no longer there (a live task's spans
// grow; a new session or a restarted replay brings other spans under the same task id).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "viz/timeline/span_summary.hpp"

namespace model = loopscope::model;
namespace viz = loopscope::viz;

namespace {

// Contiguous spans, mostly short, a few long, cycling through the states; the last is open.
std::vector<model::StateSpan> random_spans(std::size_t count, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::uint64_t> short_ns(1, 1'000);
  std::uniform_int_distribution<int> percent(0, 99);
  std::vector<model::StateSpan> spans;
  std::uint64_t time_ns = 0;
  for (std::size_t index = 0; index < count; ++index) {
    const std::uint64_t length_ns = percent(random) == 0 ? 1'000'000 : short_ns(random);
    const auto state = static_cast<model::TaskState>(percent(random) % 7);
    spans.push_back(model::StateSpan{time_ns, time_ns + length_ns, state, 0});
    time_ns += length_ns;
  }
  spans.back().end_ns = model::kOpenEnd;
  return spans;
}

std::uint64_t duration_of(const model::StateSpan& span, std::uint64_t now_ns) {
  return (span.end_ns == model::kOpenEnd ? now_ns : span.end_ns) - span.begin_ns;
}

std::size_t next_at_least_by_walking(const std::vector<model::StateSpan>& spans, std::size_t index, std::size_t end,
                                     std::uint64_t min_ns, std::uint64_t now_ns) {
  while (index < end && duration_of(spans[index], now_ns) < min_ns) ++index;
  return index;
}

viz::StateTimes state_times_by_walking(const std::vector<model::StateSpan>& spans, std::size_t first,
                                       std::size_t last) {
  viz::StateTimes times{};
  for (std::size_t index = first; index < last; ++index) {
    times[static_cast<std::size_t>(spans[index].state)] += spans[index].end_ns - spans[index].begin_ns;
  }
  return times;
}

// Every query the builder makes, on random ranges, against the plain walk.
void expect_same_answers_as_walking(const viz::TaskSpanSummary& summary, const std::vector<model::StateSpan>& spans,
                                    std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> position(0, spans.size() - 1);
  const std::uint64_t now_ns = spans.back().begin_ns + 5'000'000;
  for (int round = 0; round < 200; ++round) {
    std::size_t first = position(random);
    std::size_t last = position(random);
    if (first > last) std::swap(first, last);
    std::size_t looked_at = 0;
    for (const std::uint64_t min_ns : {std::uint64_t{500}, std::uint64_t{900'000}, std::uint64_t{10'000'000}}) {
      ASSERT_EQ(summary.next_at_least(spans, first, spans.size(), min_ns, now_ns, looked_at),
                next_at_least_by_walking(spans, first, spans.size(), min_ns, now_ns))
          << "from " << first << " for spans of at least " << min_ns << " ns";
    }
    viz::StateTimes times{};
    summary.add_state_times(spans, first, last, times, looked_at);
    ASSERT_EQ(times, state_times_by_walking(spans, first, last)) << "spans [" << first << ", " << last << ")";
  }
}

}  // namespace

TEST(SpanSummary, AnswersAsAWalkOverEverySpanWould) {
  const auto spans = random_spans(20'000, 1);
  viz::TaskSpanSummary summary;
  summary.update(spans);
  EXPECT_EQ(summary.summarised_spans(), 19'968u) << "complete blocks of closed spans only";
  expect_same_answers_as_walking(summary, spans, 2);
}

TEST(SpanSummary, SkipsRunsOfShortSpansWithoutLookingAtEach) {
  std::vector<model::StateSpan> spans;
  for (std::uint64_t index = 0; index < 1'000'000; ++index) {
    spans.push_back(model::StateSpan{index * 10, index * 10 + 10, model::TaskState::Running, 0});
  }
  spans[900'000].end_ns += 5'000;  // one long span (contiguity does not matter to the index)
  viz::TaskSpanSummary summary;
  summary.update(spans);
  std::size_t looked_at = 0;
  EXPECT_EQ(summary.next_at_least(spans, 3, spans.size(), 1'000, 0, looked_at), 900'000u);
  EXPECT_LE(looked_at, 500u) << "a million short spans are skipped a group or a block at a time";
  viz::StateTimes times{};
  looked_at = 0;
  summary.add_state_times(spans, 5, 999'990, times, looked_at);
  EXPECT_EQ(times[0], (999'990u - 5u) * 10u + 5'000u);
  EXPECT_LE(looked_at, 200u) << "whole blocks come from running totals";
}

// Live: the open span closes and new spans arrive between frames.
TEST(SpanSummary, GrowsWithTheSpansAndCountsTheNewOnes) {
  const auto all = random_spans(10'000, 3);
  std::vector<model::StateSpan> live(all.begin(), all.begin() + 1'000);
  live.back().end_ns = model::kOpenEnd;
  viz::TaskSpanSummary summary;
  summary.update(live);
  EXPECT_EQ(summary.summarised_spans(), 960u) << "the open span's block waits until it closes";
  for (const std::size_t size : {1'001u, 1'024u, 1'025u, 4'000u, 10'000u}) {
    live.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(size));
    live.back().end_ns = model::kOpenEnd;
    summary.update(live);
    expect_same_answers_as_walking(summary, live, static_cast<std::uint32_t>(size));
  }
  EXPECT_EQ(summary.rebuilds(), 0u) << "appending spans only extends the index";
}

// A new session reuses task ids; a replay stepped back rebuilds its model from the start.
TEST(SpanSummary, OtherSpansUnderTheSameTaskAreNeverAnsweredFromTheOldIndex) {
  viz::TaskSpanSummary summary;
  summary.update(random_spans(5'000, 4));
  const auto other = random_spans(8'000, 5);
  summary.update(other);
  EXPECT_EQ(summary.rebuilds(), 1u);
  expect_same_answers_as_walking(summary, other, 6);

  auto shorter = other;
  shorter.resize(2'000);
  shorter.back().end_ns = model::kOpenEnd;
  summary.update(shorter);
  EXPECT_EQ(summary.rebuilds(), 2u) << "fewer spans than were summarised";
  expect_same_answers_as_walking(summary, shorter, 7);

  auto changed = other;
  changed[0].state = model::TaskState::AwaitingDrain;  // same length, different first span
  summary.update(changed);
  EXPECT_EQ(summary.rebuilds(), 3u);
  expect_same_answers_as_walking(summary, changed, 8);
}

TEST(SpanSummaryCache, ForgetsEveryTaskWhenTheModelChanges) {
  viz::SpanSummaryCache cache;
  model::TraceModel first;
  model::TraceModel second;
  model::TaskRecord task;
  task.id = 3;
  task.spans = random_spans(1'000, 9);
  cache.forget_model_if_not(&first);
  EXPECT_EQ(cache.summary_of(task).summarised_spans(), 960u);
  EXPECT_EQ(cache.size(), 1u);
  cache.forget_model_if_not(&first);
  EXPECT_EQ(cache.size(), 1u) << "the same model keeps its summaries";
  cache.forget_model_if_not(&second);
  EXPECT_EQ(cache.size(), 0u);
}
