// The process gauges read what the kernel says, and a thread more shows up in them.
#include "core/process/process_gauges.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/trace/recorder.hpp"
#include "tests/support/trace_queries.hpp"

namespace loopscope::process {
namespace {

TEST(ProcessGauges, ReadsThreadsMemoryAndSwitches) {
  const auto reading = read_process_gauges();
  ASSERT_TRUE(reading.has_value());
  EXPECT_GE(reading->threads, 1u);
  EXPECT_GT(reading->resident_bytes, 0u);
  // Reserved address space always covers what is resident.
  EXPECT_GE(reading->reserved_bytes, reading->resident_bytes);
}

// Guards against reading the wrong /proc field: a parked thread must count, and its stack
// reservation (the thread's stack limit, megabytes) must show in reserved bytes.
TEST(ProcessGauges, ASecondThreadCountsAndReservesItsStack) {
  const auto before = read_process_gauges();
  ASSERT_TRUE(before.has_value());
  std::atomic<bool> release{false};
  std::thread parked([&release] {
    for (int spin = 0; spin < 10'000 && !release.load(); ++spin) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  const auto during = read_process_gauges();
  release = true;
  parked.join();
  ASSERT_TRUE(during.has_value());
  // At least one more: a sanitizer's runtime starts a thread of its own with the first one.
  EXPECT_GE(during->threads, before->threads + 1);
  EXPECT_GE(during->reserved_bytes, before->reserved_bytes + 1024 * 1024);
}

TEST(ProcessGauges, SamplerRecordsEveryGaugeOncePerInterval) {
  trace::Recorder recorder;
  auto attachment = recorder.attach_current_thread("main");
  ProcessGaugeSampler sampler(std::chrono::hours(1));
  sampler.poll();
  sampler.poll();  // within the interval: nothing more
  sampler.poll(true);
  trace::TraceLog log;
  recorder.drain_into(log);
  // Every gauge twice (the kernel's stacks where /proc/meminfo says).
  const std::size_t per_reading = read_process_gauges()->kernel_stack_bytes > 0 ? trace::kProcessGaugeCount
                                                                                : trace::kProcessGaugeCount - 1;
  EXPECT_EQ(testing::count_of(log, trace::EventKind::ProcessGauge), 2u * per_reading);
}

}  // namespace
}  // namespace loopscope::process
