// The thread-per-connection and pool servers (core/threads) under the benchmarks' protocol, as
// bench/echo_server_main.cpp serves the loop: "listening on HOST:PORT" once bound, "stats" on
// stdin answered with one line, EOF (or SIGTERM / SIGINT) to stop. The trace is recorded and
// drained every 10 ms as `serve` does, so it costs what the product costs.
//
//   "stats" -> "stats drained_events=N dropped_events=M open_connections=K threads=T
//               voluntary_switches=V involuntary_switches=I pid=P"

#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "bench/fd_limit.hpp"
#include "bench/stdin_commands.hpp"
#include "scenarios/commands/stop_signal.hpp"
#include "core/process/process_gauges.hpp"
#include "core/threads/threaded_server.hpp"
#include "core/trace/recorder.hpp"

namespace {

using namespace loopscope;

constexpr auto kTick = std::chrono::milliseconds(10);

}  // namespace

int main(int argc, char** argv) {
  std::string model = "threads";
  threads::ThreadedServerOptions options;
  options.max_connections = 20000;
  std::string handler = "echo";
  CLI::App app{"Thread-per-connection or pool echo server for the benchmarks (hooks on)"};
  app.add_option("--host", options.host, "Address to bind");
  app.add_option("--port", options.port, "Port to bind; 0 lets the kernel pick");
  app.add_option("--max-connections", options.max_connections, "Connections beyond this are closed at once");
  app.add_option("--model", model, "threads (one per connection) or pool")->check(CLI::IsMember({"threads", "pool"}));
  app.add_option("--pool-threads", options.pool_threads, "pool: worker threads");
  app.add_option("--handler", handler, "What each line gets back")->check(CLI::IsMember({"echo", "upper"}));
  CLI11_PARSE(app, argc, argv);
  options.model = model == "pool" ? threads::ThreadModel::Pool : threads::ThreadModel::PerConnection;

  const std::uint64_t fd_limit = bench::raise_fd_limit_to_hard();
  loopscope::scenarios::install_stop_signal_handlers();

  trace::Recorder recorder;
  auto main_attachment = recorder.attach_current_thread("main");
  threads::ThreadedServer server(recorder, options, *threads::make_thread_handler(handler, {}), handler);
  try {
    const std::uint16_t port = server.start();
    std::cout << "listening on " << options.host << ":" << port << std::endl;
  } catch (const std::exception& error) {
    std::cerr << "bench threaded server: cannot listen: " << error.what() << "\n";
    return 1;
  }
  std::cerr << "bench threaded server: " << model << ", fd limit " << fd_limit << "\n";

  trace::TraceLog log;
  std::uint64_t drained_events = 0;
  const auto drain_and_discard = [&] {
    drained_events += recorder.drain_into(log);
    log.events.clear();
  };
  bench::StdinCommands commands;
  const auto on_command = [&](const std::string& line) {
    if (line != "stats") return;
    drain_and_discard();
    const auto reading = process::read_process_gauges().value_or(process::ProcessReading{});
    std::cout << "stats drained_events=" << drained_events << " dropped_events=" << log.dropped_events_total()
              << " open_connections=" << server.open_connections() << " threads=" << reading.threads
              << " voluntary_switches=" << reading.voluntary_switches
              << " involuntary_switches=" << reading.involuntary_switches
              << " threads_refused=" << server.threads_refused() << " pid=" << ::getpid() << std::endl;
  };
  while (!loopscope::scenarios::stop_requested()) {
    std::this_thread::sleep_for(kTick);
    drain_and_discard();
    if (!commands.poll(on_command)) break;
  }
  server.close(std::chrono::milliseconds(500));
  drain_and_discard();
  return 0;
}
