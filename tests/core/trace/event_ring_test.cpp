// The ring is the only thing between a hook and the consumer: it must keep order, never block
// the producer, and account for every event it could not take.

#include "core/trace/event_ring.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace loopscope::trace {
namespace {

RawEvent event_with_value(std::uint64_t value) {
  RawEvent event{};
  event.kind = EventKind::BytesSent;
  event.value = value;
  event.subject_id = 7;
  return event;
}

std::vector<std::uint64_t> drain_values(EventRing& ring) {
  std::vector<std::uint64_t> values;
  ring.drain([&](const RawEvent& event) { values.push_back(event.value); });
  return values;
}

TEST(EventRingTest, DrainReturnsEventsInThePushOrderNotReversedOrShuffled) {
  EventRing ring(16);
  for (std::uint64_t value = 1; value <= 5; ++value) ASSERT_TRUE(ring.try_push(event_with_value(value)));
  EXPECT_EQ(ring.size_approx(), 5u);
  EXPECT_EQ(drain_values(ring), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(ring.size_approx(), 0u);
}

TEST(EventRingTest, DrainCopiesEveryFieldNotJustTheValue) {
  EventRing ring(4);
  const auto site = std::source_location::current();
  const RawEvent pushed{123, 456, site, 9, EventKind::TaskSuspended, 4, 77};
  ASSERT_TRUE(ring.try_push(pushed));
  std::vector<RawEvent> drained;
  ring.drain([&](const RawEvent& event) { drained.push_back(event); });
  ASSERT_EQ(drained.size(), 1u);
  EXPECT_EQ(drained[0].time_ticks, 123u);
  EXPECT_EQ(drained[0].value, 456u);
  EXPECT_EQ(drained[0].subject_id, 9u);
  EXPECT_EQ(drained[0].kind, EventKind::TaskSuspended);
  EXPECT_EQ(drained[0].detail, 4);
  EXPECT_EQ(drained[0].aux, 77);
  EXPECT_EQ(drained[0].site.line(), site.line());
}

TEST(EventRingTest, DrainingAnEmptyRingHandsOutNothing) {
  EventRing ring(8);
  EXPECT_EQ(ring.drain([](const RawEvent&) { FAIL() << "sink called on an empty ring"; }), 0u);
}

TEST(EventRingTest, CapacityRoundsUpToAPowerOfTwoSoTheIndexMaskIsCorrect) {
  EXPECT_EQ(EventRing(5).capacity(), 8u);
  EXPECT_EQ(EventRing(8).capacity(), 8u);
  EXPECT_EQ(EventRing(9).capacity(), 16u);
  EXPECT_EQ(EventRing(1000).capacity(), 1024u);
  // Degenerate requests still give a usable ring rather than a zero mask.
  EXPECT_EQ(EventRing(0).capacity(), 2u);
  EXPECT_EQ(EventRing(1).capacity(), 2u);
}

TEST(EventRingTest, RoundedCapacityIsUsableInFullNotJustTheRequestedSize) {
  EventRing ring(5);  // becomes 8
  for (std::uint64_t value = 0; value < 8; ++value) EXPECT_TRUE(ring.try_push(event_with_value(value)));
  EXPECT_FALSE(ring.try_push(event_with_value(8)));
}

TEST(EventRingTest, FullRingRejectsAndCountsDropsInsteadOfBlockingOrOverwriting) {
  EventRing ring(4);
  for (std::uint64_t value = 0; value < 4; ++value) ASSERT_TRUE(ring.try_push(event_with_value(value)));
  EXPECT_EQ(ring.dropped(), 0u);
  // These return at once (the test would hang otherwise) and are counted.
  EXPECT_FALSE(ring.try_push(event_with_value(100)));
  EXPECT_FALSE(ring.try_push(event_with_value(101)));
  EXPECT_FALSE(ring.try_push(event_with_value(102)));
  EXPECT_EQ(ring.dropped(), 3u);
  // The oldest events survive; the rejected ones did not overwrite them.
  EXPECT_EQ(drain_values(ring), (std::vector<std::uint64_t>{0, 1, 2, 3}));
  // Space freed by draining is usable again, and the drop count is cumulative.
  EXPECT_TRUE(ring.try_push(event_with_value(4)));
  EXPECT_EQ(ring.dropped(), 3u);
  EXPECT_EQ(drain_values(ring), (std::vector<std::uint64_t>{4}));
}

TEST(EventRingTest, WrapAroundKeepsOrderAcrossManyLapsOfTheSlots) {
  EventRing ring(4);
  std::uint64_t next_pushed = 0;
  std::uint64_t next_expected = 0;
  // Batches of 3 on a ring of 4 land on every slot offset; 1000 laps pass the mask many times.
  for (int lap = 0; lap < 1000; ++lap) {
    for (int index = 0; index < 3; ++index) ASSERT_TRUE(ring.try_push(event_with_value(next_pushed++)));
    for (const std::uint64_t value : drain_values(ring)) ASSERT_EQ(value, next_expected++);
  }
  EXPECT_EQ(next_expected, next_pushed);
  EXPECT_EQ(ring.dropped(), 0u);
}

TEST(EventRingTest, ConcurrentProducerAndConsumerLoseNothingThatWasReportedPushed) {
  constexpr std::uint64_t kAttempted = 1'000'000;
  EventRing ring(1024);  // small, so the producer really does run into a full ring
  std::atomic<bool> producer_done{false};
  std::uint64_t pushed = 0;
  std::uint64_t rejected = 0;

  std::thread producer([&] {
    for (std::uint64_t value = 0; value < kAttempted; ++value) {
      if (ring.try_push(event_with_value(value))) {
        ++pushed;
      } else {
        ++rejected;
      }
    }
    producer_done.store(true, std::memory_order_release);
  });

  std::uint64_t drained = 0;
  std::uint64_t previous_value = 0;
  bool values_increase = true;
  const auto sink = [&](const RawEvent& event) {
    if (drained > 0 && event.value <= previous_value) values_increase = false;
    previous_value = event.value;
    ++drained;
  };
  while (!producer_done.load(std::memory_order_acquire)) ring.drain(sink);
  ring.drain(sink);  // whatever was published after the last pass
  producer.join();

  EXPECT_EQ(pushed + rejected, kAttempted);
  EXPECT_EQ(ring.dropped(), rejected);
  EXPECT_EQ(drained, pushed);
  EXPECT_TRUE(values_increase) << "an event was duplicated, reordered or torn";
}

}  // namespace
}  // namespace loopscope::trace
