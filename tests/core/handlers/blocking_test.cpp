// One blocking handler freezes everyone on the loop; the same work off-loaded does not.
// Two servers share one loop: the blocking (or off-loading) one, and a plain echo whose
// round trip is the bystander's experience.
#include <gtest/gtest.h>

#include <thread>

#include "core/loop/freeze_watchdog.hpp"
#include "tests/support/loopback_client.hpp"
#include "tests/support/server_harness.hpp"
#include "tests/support/trace_queries.hpp"

using namespace std::chrono_literals;
using loopscope::testing::LoopbackClient;
using loopscope::testing::ServerHarness;
namespace trace = loopscope::trace;
namespace testing_ = loopscope::testing;

namespace {

constexpr auto kWork = 400ms;

loopscope::handlers::HandlerSettings slow_settings() {
  loopscope::handlers::HandlerSettings settings;
  settings.blocking_delay = kWork;
  settings.parse_cpu_time = kWork;
  return settings;
}

struct BystanderResult {
  std::chrono::nanoseconds echo_round_trip;
  std::chrono::nanoseconds worker_reply;
};

// Sends one line to the slow handler and, once that work is under way, pings the echo server.
bool site_is_in(const std::source_location& site, const std::string& file) {
  return std::string(site.file_name()).find(file) != std::string::npos;
}

BystanderResult run_with_bystander(ServerHarness& harness, const std::string& slow_handler,
                                   const std::string& handler_file) {
  const auto slow_port = harness.start(slow_handler);
  const auto echo_port = harness.start("echo");
  LoopbackClient worker(slow_port);
  LoopbackClient bystander(echo_port);
  bystander.send_all("warm up\n");
  EXPECT_TRUE(bystander.read_line().has_value());

  const auto sent_work = std::chrono::steady_clock::now();
  worker.send_all("job\n");
  // Ping only once the work is under way: the loop is visibly stuck in a handler, or the
  // task is visibly waiting on its worker. A fixed sleep would race on a loaded machine.
  loopscope::loop::FreezeWatchdog watchdog(harness.loop().probe(), 20ms);
  EXPECT_TRUE(testing_::eventually(
      [&] {
        // Stuck in *this* handler, not just any handler that happened to be preempted.
        const auto state = watchdog.poll();
        if (state.frozen && site_is_in(state.site, handler_file)) return true;
        for (const auto& event : testing_::events_of(harness.drain(), trace::EventKind::TaskSuspended)) {
          if (event.detail_as<trace::AwaitKind>() == trace::AwaitKind::Offload) return true;
        }
        return false;
      },
      5s));
  const auto sent_ping = std::chrono::steady_clock::now();
  bystander.send_all("ping\n");
  EXPECT_EQ(bystander.read_line(10s), "ping\n");
  const auto echo_round_trip = std::chrono::steady_clock::now() - sent_ping;
  EXPECT_TRUE(worker.read_line(10s).has_value());
  const auto worker_reply = std::chrono::steady_clock::now() - sent_work;
  return {echo_round_trip, worker_reply};
}

}  // namespace

// Guards the lesson's claim: time.sleep() on the loop stalls an unrelated client.
TEST(Blocking, SleepOnTheLoopDelaysEveryOtherClient) {
  ServerHarness harness(slow_settings());
  const auto result = run_with_bystander(harness, "blocking_sleep", "blocking_sleep.cpp");
  // The ping arrived ~20 ms into a 400 ms freeze: it waits out most of it.
  EXPECT_GE(result.echo_round_trip, kWork / 2) << "the bystander should have waited for the freeze";
  // The late heartbeat runs right after the frozen handler returns, possibly after the reply
  // reached us: wait for it rather than racing it.
  const auto lag_threshold_ns = static_cast<std::uint64_t>(std::chrono::nanoseconds(kWork).count() * 3 / 4);
  EXPECT_TRUE(testing_::eventually(
      [&] { return testing_::max_value_of(harness.drain(), trace::EventKind::LoopLag) >= lag_threshold_ns; }, 5s))
      << "the heartbeat must see the loop as late as the sleep";
  const auto& log = harness.drain();
  const auto blocking = testing_::events_of(log, trace::EventKind::BlockingCall);
  ASSERT_EQ(blocking.size(), 1u);
  const auto* site = log.site(blocking[0].site_id);
  ASSERT_NE(site, nullptr);
  EXPECT_NE(site->file.find("blocking_sleep.cpp"), std::string::npos);
}

TEST(Blocking, CpuHeavyParseOnTheLoopFreezesLikeSleeping) {
  ServerHarness harness(slow_settings());
  const auto result = run_with_bystander(harness, "cpu_parse", "cpu_parse.cpp");
  EXPECT_GE(result.echo_round_trip, kWork / 2);
}

// Guards the fix: the same CPU work on a worker leaves the loop responsive.
TEST(Blocking, OffloadedParseLeavesOtherClientsUnaffected) {
  ServerHarness harness(slow_settings());
  const auto result = run_with_bystander(harness, "offload_parse", "cpu_parse.cpp");
  EXPECT_LT(result.echo_round_trip, kWork / 2) << "the loop should have answered the bystander at once";
  EXPECT_GE(result.worker_reply, kWork * 3 / 4) << "the work itself still takes its time";
  const auto& log = harness.drain();
  EXPECT_LT(testing_::max_value_of(log, trace::EventKind::LoopLag),
            static_cast<std::uint64_t>(std::chrono::nanoseconds(kWork).count() / 2));
  // The task waited in to_thread(), visibly.
  bool saw_offload_wait = false;
  for (const auto& event : testing_::events_of(log, trace::EventKind::TaskSuspended)) {
    saw_offload_wait |= event.detail_as<trace::AwaitKind>() == trace::AwaitKind::Offload;
  }
  EXPECT_TRUE(saw_offload_wait);
}

// Guards the live view: another thread must see the freeze while it is happening, with the
// blocking call's site, and the recorded freeze must last about as long as the sleep.
TEST(Blocking, WatchdogSeesTheFreezeWhileTheLoopIsStuck) {
  ServerHarness harness(slow_settings());
  loopscope::loop::FreezeWatchdog watchdog(harness.loop().probe(), 50ms);
  LoopbackClient worker(harness.start("blocking_sleep"));
  worker.send_all("job\n");
  loopscope::loop::FreezeState seen;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline && !seen.frozen) {
    seen = watchdog.poll();
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(seen.frozen) << "the watchdog never saw the loop stuck";
  EXPECT_GE(seen.frozen_for_ns, 50'000'000u);
  EXPECT_TRUE(site_is_in(seen.site, "blocking_sleep.cpp")) << seen.site.file_name();
  EXPECT_NE(seen.task, 0u);
  // It grows while we watch.
  std::this_thread::sleep_for(100ms);
  const auto later = watchdog.poll();
  if (later.frozen) {
    EXPECT_GT(later.frozen_for_ns, seen.frozen_for_ns);
  }

  EXPECT_TRUE(worker.read_line(10s).has_value());
  ASSERT_TRUE(testing_::eventually([&] {
    watchdog.poll();
    return testing_::count_of(harness.drain(), trace::EventKind::FreezeEnd) >= 1;
  }));
  const auto& log = harness.drain();
  // Only the freeze in the blocking handler: a loaded machine may add short ones elsewhere.
  std::vector<trace::TraceEvent> ends;
  for (const auto& event : testing_::events_of(log, trace::EventKind::FreezeEnd)) {
    if (log.site_text(event.site_id).find("blocking_sleep.cpp") != std::string::npos) ends.push_back(event);
  }
  ASSERT_EQ(ends.size(), 1u);
  const double freeze_ns = static_cast<double>(ends[0].value);
  const double work_ns = static_cast<double>(std::chrono::nanoseconds(kWork).count());
  EXPECT_GT(freeze_ns / work_ns, 0.9);
  EXPECT_LT(freeze_ns / work_ns, 3.0);
}
