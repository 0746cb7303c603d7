#include "stop_signal.hpp"

#include <csignal>

namespace loopscope::scenarios {

namespace {
volatile std::sig_atomic_t g_stop_requested = 0;
extern "C" void on_stop_signal(int) { g_stop_requested = 1; }
}  // namespace

void install_stop_signal_handlers() {
  g_stop_requested = 0;
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A peer that vanished must cost one connection, not the process.
  std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_stop_requested != 0; }

}  // namespace loopscope::scenarios
