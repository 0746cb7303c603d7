// A probe's stream, decoded and fed into a recorder, is a trace the model reads like the C++
// server's: its clock moved onto the trace clock, its sites and labels onto the recorder's.
#include <gtest/gtest.h>

#include <chrono>

#include "core/model/trace_model.hpp"
#include "core/wire/wire_decoder.hpp"
#include "core/wire/wire_encoder.hpp"
#include "scenarios/asyncio/wire_trace_feed.hpp"

namespace wire = loopscope::wire;
namespace trace = loopscope::trace;
using loopscope::scenarios::WireTraceFeed;

namespace {

std::uint64_t monotonic_now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

wire::WireEventRecord event(std::uint64_t time_ns, trace::EventKind kind, std::uint32_t subject, std::uint32_t site = 0,
                            std::uint8_t detail = 0, std::uint16_t aux = 0, std::uint64_t value = 0) {
  return wire::WireEventRecord{time_ns, value, subject, site, kind, detail, aux, 0};
}

}  // namespace

TEST(WireTraceFeed, AProbesStreamBecomesATaskAConnectionAndAFreezeAtTheLearnersLine) {
  trace::Recorder recorder;
  auto attachment = recorder.attach_current_thread("main");
  const std::uint16_t clash = recorder.intern_label("echo");  // the app's labels come first
  WireTraceFeed feed(recorder, "asyncio");

  wire::WireEncoder encoder;
  std::string stream = wire::WireEncoder::header() + encoder.hello(42, "CPython 3.11.7", "/home/me/server.py");
  const auto readline_site = encoder.site("/home/me/server.py", "handle", 7);
  const auto sleep_site = encoder.site("/home/me/server.py", "handle", 9);
  const auto name = encoder.label("handle");
  stream += readline_site.bytes + sleep_site.bytes + name.bytes;
  const std::uint64_t t0 = monotonic_now_ns();
  const std::vector<wire::WireEventRecord> events = {
      event(t0, trace::EventKind::ConnectionAccepted, 1, 0, 0, 40000, 0x7F000001),
      event(t0 + 1000, trace::EventKind::TaskSpawned, 1, 0, 0, static_cast<std::uint16_t>(name.id)),
      event(t0 + 2000, trace::EventKind::TaskSuspended, 1, readline_site.id,
            static_cast<std::uint8_t>(trace::AwaitKind::Readline)),
      event(t0 + 3000, trace::EventKind::TaskResumed, 1, readline_site.id,
            static_cast<std::uint8_t>(trace::AwaitKind::Readline)),
      event(t0 + 4000, trace::EventKind::FreezeBegin, 1, sleep_site.id),
      event(t0 + 400'004'000, trace::EventKind::FreezeEnd, 1, sleep_site.id, 0, 0, 400'000'000),
  };
  stream += wire::WireEncoder::events(events) + wire::WireEncoder::listening(0x7F000001, 8888);

  wire::WireDecoder decoder;
  const std::uint64_t before_ns = recorder.now_ns();
  feed.deliver(decoder.feed(stream));
  const std::uint64_t after_ns = recorder.now_ns();
  trace::TraceLog log;
  recorder.drain_into(log);

  ASSERT_TRUE(feed.hello().has_value());
  EXPECT_EQ(feed.hello()->program, "/home/me/server.py");
  ASSERT_TRUE(feed.listening().has_value());
  EXPECT_EQ(feed.listening()->port, 8888);
  ASSERT_EQ(log.events.size(), events.size());
  // The child's CLOCK_MONOTONIC lands on the trace clock: the first event was stamped between
  // the two trace clock reads around it (give or take the clocks' calibration).
  EXPECT_GE(log.events.front().time_ns + 1'000'000, before_ns);
  EXPECT_LE(log.events.front().time_ns, after_ns + 1'000'000);
  EXPECT_EQ(log.events.back().time_ns - log.events.front().time_ns, 400'004'000u) << "spacing is kept exactly";

  const auto model = loopscope::model::TraceModel::from_log(log);
  const auto* task = model.task(1);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->handler, "handle") << "the label was moved to the recorder's id, past its own 'echo'";
  EXPECT_NE(clash, 0);
  ASSERT_EQ(model.loop().freezes.size(), 1u);
  EXPECT_EQ(log.site_text(model.loop().freezes[0].site), "server.py:9");
  EXPECT_EQ(model.connections().size(), 1u);
}
