// What one hook costs. Google Benchmark; every timed loop records one event per iteration
// (two for AwaitScope), so the reported time per iteration is ns per recorded event.
// Run with repetitions and random interleaving (bench/run_all does) so every variant sees the
// same machine noise, and compare medians within the run: the target is a hook, minus the
// empty loop, of at most 10 ns.
//
//   Baseline                  the loop itself, with its counter kept alive
//   TraceClockNow / SteadyClockNow   the hook's clock (TSC) against the portable one
//   RecordSingleThread        record() into an attached ring; drained with the timer paused
//   RecordAtGivenTicks        the same without reading the clock: what the push alone costs
//   RecordWithConsumer        record() while another thread runs Recorder::drain_into()
//                             back to back, as a GUI frame or `serve` tick does, but harder
//   RecordRingFull            the drop path: nobody drains, every event is counted and lost
//   RecordUnattached          a thread that never attached: one relaxed atomic increment
//   AwaitScopeSuspendResume   the pair of events every instrumented await records
//   HandlerInvocationHook     Asio's per-completion tracking hook (two clock reads, probe
//                             stores, one event)
//   ConsumerDrainInto         the other side: Recorder::drain_into() per event drained
//   ConsumerDrainAndSummarize drain_into() plus LiveSummary, i.e. `serve`'s tick per event

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <source_location>
#include <thread>

#include "core/loop/asio_handler_tracking.hpp"
#include "core/loop/loop_probe.hpp"
#include "core/loop/task_trace.hpp"
#include "core/model/live_summary.hpp"
#include "core/trace/hook.hpp"
#include "core/trace/recorder.hpp"
#include "core/trace/trace_clock.hpp"

namespace {

using namespace loopscope;
using trace::EventKind;
using trace::Recorder;

// The producer stops to let the ring be drained well before it could fill, so the timed
// path is always the ordinary push.
constexpr std::size_t kDrainEveryEvents = Recorder::kDefaultRingCapacityEvents / 2;

// A representative hook: a buffer level with its call site, as StreamReader records.
inline void record_one(std::uint64_t value) {
  trace::record(EventKind::BufferLevel, 7, value, trace::detail_of(trace::BufferKind::Reader),
                std::source_location::current());
}

void set_event_counters(benchmark::State& state, double events_per_iteration) {
  const double events = static_cast<double>(state.iterations()) * events_per_iteration;
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["events_per_iteration"] = events_per_iteration;
}

void Baseline(benchmark::State& state) {
  std::uint64_t value = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value);
    ++value;
  }
  set_event_counters(state, 1);
}
BENCHMARK(Baseline);

void TraceClockNow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(trace::TraceClock::now_ticks());
  set_event_counters(state, 1);
}
BENCHMARK(TraceClockNow);

void SteadyClockNow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(std::chrono::steady_clock::now());
  set_event_counters(state, 1);
}
BENCHMARK(SteadyClockNow);

void RecordSingleThread(benchmark::State& state) {
  Recorder recorder;
  auto attachment = recorder.attach_current_thread("bench");
  trace::TraceLog log;
  std::uint64_t value = 0;
  std::size_t since_drain = 0;
  for (auto _ : state) {
    record_one(value++);
    if (++since_drain == kDrainEveryEvents) {
      state.PauseTiming();
      recorder.drain_into(log);
      log.events.clear();
      since_drain = 0;
      state.ResumeTiming();
    }
  }
  recorder.drain_into(log);
  set_event_counters(state, 1);
  state.counters["dropped"] = static_cast<double>(log.dropped_events_total());
}
BENCHMARK(RecordSingleThread);

void RecordAtGivenTicks(benchmark::State& state) {
  Recorder recorder;
  auto attachment = recorder.attach_current_thread("bench");
  trace::TraceLog log;
  const std::uint64_t time_ticks = trace::TraceClock::now_ticks();
  std::uint64_t value = 0;
  std::size_t since_drain = 0;
  for (auto _ : state) {
    trace::record_at(time_ticks, EventKind::BufferLevel, 7, value++, trace::detail_of(trace::BufferKind::Reader),
                     std::source_location::current());
    if (++since_drain == kDrainEveryEvents) {
      state.PauseTiming();
      recorder.drain_into(log);
      log.events.clear();
      since_drain = 0;
      state.ResumeTiming();
    }
  }
  set_event_counters(state, 1);
}
BENCHMARK(RecordAtGivenTicks);

void RecordWithConsumer(benchmark::State& state) {
  Recorder recorder;
  trace::TraceLog log;
  std::atomic<bool> stop{false};
  std::thread consumer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      recorder.drain_into(log);
      log.events.clear();
    }
  });
  auto attachment = recorder.attach_current_thread("bench");
  std::uint64_t value = 0;
  for (auto _ : state) record_one(value++);
  stop = true;
  consumer.join();
  recorder.drain_into(log);
  set_event_counters(state, 1);
  // When the consumer falls behind, part of the time above is the (cheaper) drop path;
  // the fraction says how much.
  const double dropped = static_cast<double>(log.dropped_events_total());
  state.counters["dropped_fraction"] = dropped / static_cast<double>(state.iterations());
}
BENCHMARK(RecordWithConsumer)->UseRealTime();

void RecordRingFull(benchmark::State& state) {
  Recorder recorder(1024);
  auto attachment = recorder.attach_current_thread("bench");
  for (std::uint64_t value = 0; value < 1024; ++value) record_one(value);
  std::uint64_t value = 0;
  for (auto _ : state) record_one(value++);
  trace::TraceLog log;
  recorder.drain_into(log);
  set_event_counters(state, 1);
  state.counters["dropped_fraction"] =
      static_cast<double>(log.dropped_events_total()) / static_cast<double>(state.iterations());
}
BENCHMARK(RecordRingFull);

void RecordUnattached(benchmark::State& state) {
  std::uint64_t value = 0;
  for (auto _ : state) record_one(value++);
  set_event_counters(state, 1);
}
BENCHMARK(RecordUnattached);

void AwaitScopeSuspendResume(benchmark::State& state) {
  Recorder recorder;
  auto attachment = recorder.attach_current_thread("bench");
  loop::LoopProbe probe;
  loop::tls_loop_probe = &probe;
  loop::enter_task(42);
  trace::TraceLog log;
  std::size_t since_drain = 0;
  for (auto _ : state) {
    { loop::AwaitScope suspended(trace::AwaitKind::Readline, std::source_location::current()); }
    if ((since_drain += 2) >= kDrainEveryEvents) {
      state.PauseTiming();
      recorder.drain_into(log);
      log.events.clear();
      since_drain = 0;
      state.ResumeTiming();
    }
  }
  loop::tls_loop_probe = nullptr;
  set_event_counters(state, 2);
}
BENCHMARK(AwaitScopeSuspendResume);

void HandlerInvocationHook(benchmark::State& state) {
  Recorder recorder;
  auto attachment = recorder.attach_current_thread("bench");
  loop::LoopProbe probe;
  loop::tls_loop_probe = &probe;
  trace::TraceLog log;
  std::size_t since_drain = 0;
  for (auto _ : state) {
    {
      loop::TrackedInvocation invocation;
      invocation.begin();
      invocation.end();
    }
    if (++since_drain == kDrainEveryEvents) {
      state.PauseTiming();
      recorder.drain_into(log);
      log.events.clear();
      since_drain = 0;
      state.ResumeTiming();
    }
  }
  loop::tls_loop_probe = nullptr;
  set_event_counters(state, 1);
}
BENCHMARK(HandlerInvocationHook);

// The events a server round trip produces, roughly: suspend/resume at one site, buffer
// levels and byte counts at a few others, one handler invocation.
void record_round_trip_like_batch(std::uint64_t value) {
  const auto readline_site = std::source_location::current();
  trace::record(EventKind::TaskSuspended, 7, 0, trace::detail_of(trace::AwaitKind::Readline), readline_site);
  trace::record(EventKind::HandlerInvoked, 0, 800);
  trace::record(EventKind::TaskResumed, 7, 0, trace::detail_of(trace::AwaitKind::Readline), readline_site);
  trace::record(EventKind::BytesReceived, 7, 22);
  trace::record(EventKind::BufferLevel, 7, 22, trace::detail_of(trace::BufferKind::Reader));
  trace::record(EventKind::BufferLevel, 7, 0, trace::detail_of(trace::BufferKind::Reader));
  trace::record(EventKind::BytesSent, 7, value);
  trace::record(EventKind::BufferLevel, 7, 0, trace::detail_of(trace::BufferKind::Writer));
}
constexpr std::size_t kEventsPerBatch = 8;
constexpr std::size_t kBatchesPerDrain = 512;  // about one 10 ms tick of a busy server

template <bool kSummarize>
void consumer_drain(benchmark::State& state) {
  Recorder recorder;
  auto attachment = recorder.attach_current_thread("bench");
  trace::TraceLog log;
  model::LiveSummary summary;
  std::uint64_t value = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (std::size_t batch = 0; batch < kBatchesPerDrain; ++batch) record_round_trip_like_batch(value++);
    state.ResumeTiming();
    recorder.drain_into(log);
    if constexpr (kSummarize) summary.consume(log, 0);
    log.events.clear();
  }
  set_event_counters(state, kEventsPerBatch * kBatchesPerDrain);
  state.counters["ns_per_event"] = benchmark::Counter(static_cast<double>(state.iterations() * kEventsPerBatch * kBatchesPerDrain),
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void ConsumerDrainInto(benchmark::State& state) { consumer_drain<false>(state); }
BENCHMARK(ConsumerDrainInto);

void ConsumerDrainAndSummarize(benchmark::State& state) { consumer_drain<true>(state); }
BENCHMARK(ConsumerDrainAndSummarize);

}  // namespace

BENCHMARK_MAIN();
