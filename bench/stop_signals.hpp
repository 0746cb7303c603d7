#pragma once
// How the bench servers stop: SIGINT or SIGTERM sets a flag their main loop polls (besides EOF
// on stdin, bench/stdin_commands.hpp), and SIGPIPE is ignored, so a load generator that
// vanishes costs its connections, not the server.

#include <csignal>

namespace loopscope::bench {

inline volatile std::sig_atomic_t g_stop_requested = 0;

extern "C" inline void on_bench_stop_signal(int) { g_stop_requested = 1; }

inline void install_stop_signals() {
  struct sigaction action{};
  action.sa_handler = on_bench_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

inline bool stop_requested() { return g_stop_requested != 0; }

}  // namespace loopscope::bench
