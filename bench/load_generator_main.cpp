// loopscope_bench_load_generator: drives a closed-loop echo load against a server on loopback
// and prints one JSON line: round trips per second, latency percentiles, and, when given the
// server's pid, the server's CPU time per round trip over exactly the measured window, in all
// and for its main thread alone (in the bench C++ server that is the trace consumer, so the
// rest is the loop thread; in the asyncio server it is everything).
// Its own CPU use is reported too: a load generator near 1.0 CPU-seconds per second is the
// bottleneck, and then round trips per second say more about it than about the server.

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>

#include "bench/echo_load.hpp"
#include "bench/fd_limit.hpp"
#include "bench/process_cpu.hpp"

namespace {

double own_cpu_s() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace loopscope::bench;
  EchoLoadOptions options;
  int server_pid = 0;
  long long warmup_ms = options.warmup.count();
  long long duration_ms = options.duration.count();
  CLI::App app{"Closed-loop echo load over loopback; prints one JSON line"};
  app.add_option("--host", options.host, "Server IPv4 address");
  app.add_option("--port", options.port, "Server port")->required();
  app.add_option("--connections", options.connections, "Concurrent connections, one request in flight each");
  app.add_option("--warmup-ms", warmup_ms, "Load before the measured window");
  app.add_option("--duration-ms", duration_ms, "Length of the measured window");
  app.add_option("--server-pid", server_pid, "Read this process's CPU time at the window's edges");
  std::string reply = "echo";
  app.add_option("--line-bytes", options.line_bytes, "Each request line's length, newline included")
      ->check(CLI::Range(kMinLineBytes, std::size_t{4096}));
  app.add_option("--reply", reply, "What the server sends back: the line (echo) or the line upper-cased (upper)")
      ->check(CLI::IsMember({"echo", "upper"}));
  CLI11_PARSE(app, argc, argv);
  options.expect_upper = reply == "upper";
  options.warmup = std::chrono::milliseconds(warmup_ms);
  options.duration = std::chrono::milliseconds(duration_ms);

  const std::uint64_t fd_limit = raise_fd_limit_to_hard();
  if (fd_limit < options.connections + 16) {
    std::cerr << "load generator: fd limit " << fd_limit << " is too low for " << options.connections << " connections\n";
    return 1;
  }

  std::optional<double> server_cpu_begin_s, server_cpu_end_s;
  std::optional<double> server_main_cpu_begin_s, server_main_cpu_end_s;
  double client_cpu_begin_s = 0, client_cpu_end_s = 0;
  EchoLoadResult result;
  try {
    result = run_echo_load(
        options,
        [&] {
          if (server_pid > 0) {
            server_cpu_begin_s = process_cpu_s(server_pid);
            server_main_cpu_begin_s = thread_cpu_s(server_pid, server_pid);
          }
          client_cpu_begin_s = own_cpu_s();
        },
        [&] {
          client_cpu_end_s = own_cpu_s();
          if (server_pid > 0) {
            server_cpu_end_s = process_cpu_s(server_pid);
            server_main_cpu_end_s = thread_cpu_s(server_pid, server_pid);
          }
        });
  } catch (const std::exception& error) {
    std::cerr << "load generator: " << error.what() << "\n";
    return 1;
  }

  const double round_trips = static_cast<double>(result.round_trips);
  const double round_trips_per_s = result.measured_s > 0 ? round_trips / result.measured_s : 0;
  const double client_cpu_s = client_cpu_end_s - client_cpu_begin_s;
  std::printf("{\"connections\": %zu, \"round_trips\": %llu, \"round_trips_total\": %llu, \"measured_s\": %.4f, \"round_trips_per_s\": %.1f, "
              "\"latency_p50_us\": %.2f, \"latency_p99_us\": %.2f, \"latency_max_us\": %.2f, "
              "\"connection_failures\": %llu, \"client_cpu_per_s\": %.3f",
              result.connections_established, static_cast<unsigned long long>(result.round_trips),
              static_cast<unsigned long long>(result.round_trips_total), result.measured_s,
              round_trips_per_s, percentile_ns(result.latencies_ns, 50) / 1e3,
              percentile_ns(result.latencies_ns, 99) / 1e3, percentile_ns(result.latencies_ns, 100) / 1e3,
              static_cast<unsigned long long>(result.connection_failures),
              result.measured_s > 0 ? client_cpu_s / result.measured_s : 0.0);
  if (server_cpu_begin_s && server_cpu_end_s && round_trips > 0) {
    const double server_cpu_s = *server_cpu_end_s - *server_cpu_begin_s;
    std::printf(", \"server_cpu_s\": %.3f, \"server_cpu_per_s\": %.3f, \"server_cpu_us_per_round_trip\": %.3f",
                server_cpu_s, server_cpu_s / result.measured_s, server_cpu_s * 1e6 / round_trips);
  }
  if (server_main_cpu_begin_s && server_main_cpu_end_s && round_trips > 0) {
    std::printf(", \"server_main_thread_cpu_us_per_round_trip\": %.3f",
                (*server_main_cpu_end_s - *server_main_cpu_begin_s) * 1e6 / round_trips);
  }
  std::printf("}\n");
  return result.round_trips > 0 ? 0 : 1;
}
