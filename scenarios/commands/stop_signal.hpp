#pragma once
// SIGINT / SIGTERM turned into a flag the headless drivers poll.

namespace loopscope::scenarios {

// Installs the handlers (idempotent) and clears the flag.
void install_stop_signal_handlers();
bool stop_requested();

}  // namespace loopscope::scenarios
