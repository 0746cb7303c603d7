// drain() and backpressure: a client that stops reading, with and without drain().
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {

constexpr std::size_t kReplyBytes = 64 * 1024;  // HandlerSettings default for the drain handlers
constexpr int kSmallSocketBufferBytes = 8192;

loopscope::loop::ServerOptions small_buffers() {
  loopscope::loop::ServerOptions options;
  options.limits.socket_send_buffer_bytes = kSmallSocketBufferBytes;
  return options;
}

// Reads exactly `bytes` or gives up after the timeout; returns how many arrived.
std::size_t read_bytes(LoopbackClient& client, std::size_t bytes, std::chrono::milliseconds timeout = 10s) {
  std::size_t received = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received < bytes && std::chrono::steady_clock::now() < deadline) {
    received += client.read_some(std::min<std::size_t>(65536, bytes - received), 200ms).size();
  }
  return received;
}

}  // namespace

// Guards the core claim: drain() waits above high-water, resumes at or below low-water, and
// the other clients keep getting their replies meanwhile.
TEST(Backpressure, StalledReaderMakesDrainWaitFromAboveHighWaterToLowWater) {
  ServerHarness harness;
  const auto port = harness.start("write_with_drain", small_buffers());
  LoopbackClient stalled(port, kSmallSocketBufferBytes);
  stalled.send_all("a\nb\nc\n");  // three 64 KiB replies; it reads none of them yet

  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(harness.drain(), trace::EventKind::DrainStallBegin) > 0; }));
  const auto stalled_id = testing_::accepted_connections(harness.drain()).at(0);

  // While it is stalled, another client is served in full.
  LoopbackClient fast(port);
  fast.send_all("x\n");
  EXPECT_EQ(read_bytes(fast, kReplyBytes), kReplyBytes);
  EXPECT_EQ(testing_::count_of(harness.drain(), trace::EventKind::DrainStallEnd, stalled_id), 0u)
      << "the stalled client's drain must still be waiting while the other client is served";

  // Now the stalled client reads; drain resumes and the rest flows.
  EXPECT_EQ(read_bytes(stalled, 3 * kReplyBytes), 3 * kReplyBytes);
  ASSERT_TRUE(testing_::eventually([&] {
    const auto& log = harness.drain();
    const auto ended = testing_::count_of(log, trace::EventKind::DrainStallEnd, stalled_id);
    return ended > 0 && ended == testing_::count_of(log, trace::EventKind::DrainStallBegin, stalled_id);
  }));
  const auto& log = harness.drain();
  const auto begins = testing_::events_of(log, trace::EventKind::DrainStallBegin, stalled_id);
  const auto ends = testing_::events_of(log, trace::EventKind::DrainStallEnd, stalled_id);
  ASSERT_FALSE(begins.empty());
  ASSERT_EQ(begins.size(), ends.size());
  for (std::size_t index = 0; index < begins.size(); ++index) {
    EXPECT_GT(begins[index].value, 64u * 1024) << "drain may only wait above the high-water mark";
    EXPECT_LE(ends[index].value, 16u * 1024) << "drain resumes at the low-water mark";
    EXPECT_LT(begins[index].time_ns, ends[index].time_ns);
  }
}

// Guards against write() ever blocking or silently capping: without drain() the buffer grows.
TEST(Backpressure, WriteWithoutDrainGrowsTheBufferFarPastHighWater) {
  ServerHarness harness;
  const auto port = harness.start("write_without_drain", small_buffers());
  LoopbackClient stalled(port, kSmallSocketBufferBytes);
  for (int line = 0; line < 10; ++line) stalled.send_all("more\n");
  ASSERT_TRUE(testing_::eventually([&] {
    const auto& log = harness.drain();
    const auto ids = testing_::accepted_connections(log);
    return !ids.empty() && testing_::peak_buffer_bytes(log, ids[0], trace::BufferKind::Writer) > 4 * 64 * 1024;
  }));
  const auto& log = harness.drain();
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::DrainStallBegin), 0u);
  // Still correct: every byte arrives once the client reads.
  EXPECT_EQ(read_bytes(stalled, 10 * kReplyBytes), 10 * kReplyBytes);
}

// Guards against a reset peer crashing the server or stalling drain() forever.
TEST(Backpressure, PeerResetDuringStalledWriteEndsOnlyThatConnection) {
  ServerHarness harness;
  const auto port = harness.start("write_with_drain", small_buffers());
  auto doomed = std::make_unique<LoopbackClient>(port, kSmallSocketBufferBytes);
  doomed->send_all("a\nb\n");
  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(harness.drain(), trace::EventKind::DrainStallBegin) > 0; }));
  const auto doomed_id = testing_::accepted_connections(harness.drain()).at(0);
  doomed->reset();

  ASSERT_TRUE(testing_::eventually([&] { return testing_::exit_reason_of(harness.drain(), doomed_id).has_value(); }));
  const auto& log = harness.drain();
  EXPECT_EQ(testing_::exit_reason_of(log, doomed_id), trace::ExitReason::Error);
  const auto closed = testing_::events_of(log, trace::EventKind::ConnectionClosed, doomed_id);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].detail_as<trace::CloseReason>(), trace::CloseReason::PeerReset);

  LoopbackClient survivor(port);
  survivor.send_all("still there?\n");
  EXPECT_EQ(read_bytes(survivor, kReplyBytes), kReplyBytes);
}

// Guards the half-close path: the peer's EOF arrives while replies are still staged; they
// must all be delivered before the server closes.
TEST(Backpressure, PeerEofWhileRepliesAreStagedStillDeliversThemAll) {
  ServerHarness harness;
  const auto port = harness.start("write_with_drain", small_buffers());
  LoopbackClient client(port, kSmallSocketBufferBytes);
  client.send_all("a\nb\n");
  client.shutdown_write();
  std::this_thread::sleep_for(100ms);  // let the server stage what the kernel will not take
  std::string received;
  EXPECT_TRUE(client.read_until_eof(received, 10s));
  EXPECT_EQ(received.size(), 2 * kReplyBytes);
  ASSERT_TRUE(testing_::eventually([&] {
    const auto& log = harness.drain();
    return testing_::settled_connections(log) == 1;
  }));
  const auto& log = harness.drain();
  EXPECT_EQ(testing_::exit_reason_of(log, testing_::accepted_connections(log).at(0)), trace::ExitReason::PeerEof);
}

// Guards the trace of a cancelled drain(): the stall must end and the cancellation show, or
// the timeline would draw a stall that never ends.
TEST(Backpressure, ShutdownDuringAStalledDrainEndsTheStallAndCancelsTheTask) {
  ServerHarness harness;
  const auto port = harness.start("write_with_drain", small_buffers());
  LoopbackClient stalled(port, kSmallSocketBufferBytes);
  stalled.send_all("a\nb\n");
  ASSERT_TRUE(testing_::eventually([&] { return testing_::count_of(harness.drain(), trace::EventKind::DrainStallBegin) > 0; }));
  harness.server().close(300ms);
  const auto& log = harness.drain();
  const auto id = testing_::accepted_connections(log).at(0);
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::DrainStallBegin, id), testing_::count_of(log, trace::EventKind::DrainStallEnd, id));
  EXPECT_EQ(testing_::count_of(log, trace::EventKind::AwaitCancelled, id), 1u);
  EXPECT_EQ(testing_::exit_reason_of(log, id), trace::ExitReason::Cancelled);
}
