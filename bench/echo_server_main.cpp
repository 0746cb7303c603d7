// The echo server the throughput and idle-memory benchmarks load. It is `loopscope serve
// --handler echo` without the printing, and it is built twice from this one file
// (loopscope_bench_echo_server links the hooks-on libraries, ..._nohooks the hooks-off ones),
// so the two binaries differ only in LOOPSCOPE_HOOKS.
//
// The hooks-on build pays for a real consumer, as `serve` without --trace does: every 10 ms
// the main thread drains the rings, polls the freeze watchdog, folds the events into a
// LiveSummary and discards them. That work is on this process's CPU bill, which is what the
// load generator reads from /proc.
//
// Control is on stdin, so a driver needs no second socket:
//   "stats" -> one line "stats drained_events=N dropped_events=M ... open_connections=K
//              heap_in_use_bytes=H pid=P" (H from mallinfo2: live heap, to set beside RSS;
//              P because a driver that starts us under a profiler does not know it)
//   EOF     -> stop (as do SIGTERM and SIGINT)

#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <string>
#include <thread>

#include "bench/fd_limit.hpp"
#include "bench/stdin_commands.hpp"
#include "scenarios/commands/stop_signal.hpp"
#include "core/handlers/simple_handlers.hpp"
#include "core/loop/freeze_watchdog.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_server.hpp"
#include "core/model/live_summary.hpp"
#include "core/process/process_gauges.hpp"
#include "core/trace/hook.hpp"
#include "core/trace/recorder.hpp"

namespace {

using namespace loopscope;

// The same tick `serve` drains on, so the consumer's cost per event is the product's.
constexpr auto kTick = std::chrono::milliseconds(10);

// Bytes the program has allocated and not freed, in every malloc arena plus mmapped blocks.
// Set beside RSS it separates what connections hold from what the allocator keeps around.
std::uint64_t heap_in_use_bytes() {
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;
}

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t max_connections = 20000;
  bool ignore_stdin = false;
  long long kernel_sample_interval_us = -1;  // < 0: the product's default
  std::size_t ring_capacity_events = trace::Recorder::kDefaultRingCapacityEvents;
  std::string handler = "echo";  // or "upper": the seeds' first server, the load
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{std::string("Echo server for the benchmarks (hooks ") + (trace::kHooksEnabled ? "on" : "compiled out") + ")"};
  app.add_option("--host", options.host, "Address to bind");
  app.add_option("--port", options.port, "Port to bind; 0 lets the kernel pick");
  app.add_option("--max-connections", options.max_connections, "Connections beyond this are closed at once");
  app.add_flag("--ignore-stdin", options.ignore_stdin, "Keep running when stdin closes (stop with SIGTERM)");
  app.add_option("--kernel-sample-interval-us", options.kernel_sample_interval_us,
                 "How often each connection may read its kernel queue lengths (default: the product's)");
  app.add_option("--ring-capacity-events", options.ring_capacity_events,
                 "Events each thread's trace ring holds (default: the product's)");
  app.add_option("--handler", options.handler, "What each line gets back")
      ->check(CLI::IsMember({"echo", "upper"}));
  CLI11_PARSE(app, argc, argv);

  const std::uint64_t fd_limit = bench::raise_fd_limit_to_hard();
  loopscope::scenarios::install_stop_signal_handlers();

  trace::Recorder recorder(options.ring_capacity_events);
  auto main_attachment = recorder.attach_current_thread("main");
  loop::LoopThread loop_thread(recorder);
  loop::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.max_connections = options.max_connections;
  if (options.kernel_sample_interval_us >= 0) {
    server_options.limits.kernel_sample_interval = std::chrono::microseconds(options.kernel_sample_interval_us);
  }
  const bool upper = options.handler == "upper";
  loop::StreamServer server(loop_thread, server_options, upper ? handlers::upper : handlers::echo, options.handler);
  try {
    const auto endpoint = server.start();
    std::cout << "listening on " << endpoint.address().to_string() << ":" << endpoint.port() << std::endl;
  } catch (const std::exception& error) {
    std::cerr << "bench echo server: cannot listen on " << options.host << ":" << options.port << ": "
              << error.what() << "\n";
    return 1;
  }
  std::cerr << "bench echo server: hooks " << (trace::kHooksEnabled ? "on" : "compiled out") << ", fd limit "
            << fd_limit << ", max connections " << options.max_connections << ", kernel queues sampled at most every "
            << server_options.limits.kernel_sample_interval.count() << " us per connection\n";

  loop::FreezeWatchdog watchdog(loop_thread.probe());
  model::LiveSummary summary;
  trace::TraceLog log;
  std::uint64_t drained_events = 0;
  const auto drain_and_discard = [&] {
    watchdog.poll();
    drained_events += recorder.drain_into(log);
    summary.consume(log, 0);
    log.events.clear();
  };

  bench::StdinCommands commands;
  const auto on_command = [&](const std::string& line) {
    if (line == "stats") {
      drain_and_discard();  // so the counts include everything recorded before the request
      // The threads benchmark sets these beside the threaded servers' (bench/threads_vs_loop.py).
      const auto gauges = process::read_process_gauges().value_or(process::ProcessReading{});
      std::cout << "stats drained_events=" << drained_events << " dropped_events=" << log.dropped_events_total()
                << " unattached_drops=" << trace::unattached_drops()
                << " open_connections=" << server.open_connections() << " heap_in_use_bytes=" << heap_in_use_bytes()
                << " threads=" << gauges.threads << " voluntary_switches=" << gauges.voluntary_switches
                << " involuntary_switches=" << gauges.involuntary_switches
                << " pid=" << ::getpid() << std::endl;
    }
  };

  while (!loopscope::scenarios::stop_requested()) {
    std::this_thread::sleep_for(kTick);
    drain_and_discard();
    if (!options.ignore_stdin && !commands.poll(on_command)) break;
  }

  server.close(std::chrono::milliseconds(500));
  drain_and_discard();
  std::cerr << "bench echo server: stopped; drained " << drained_events << " events, dropped "
            << log.dropped_events_total() << "\n";
  return 0;
}
