#pragma once
// Polls a LiveSession as a GUI frame would, until a condition holds or the time is up: the one
// wait the session tests share.

#include <chrono>
#include <functional>
#include <thread>

#include "scenarios/session/live_session.hpp"

namespace loopscope::testing {

inline bool poll_until(scenarios::LiveSession& session, const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    session.poll();
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  session.poll();
  return condition();
}

}  // namespace loopscope::testing
