#pragma once
// The switch that holds every scripted client still while a live lesson waits for the class
// (a prediction asked, the lesson paused): no new connects, sends or reads, and a client's think
// time does not run on while it is held. Released, each client carries on where it was, so a
// prediction is asked before anything it asks about has happened.
//
// Clients thread only: the pool posts set_held() there; the client sessions await it.

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>

namespace loopscope::scenarios {

class ClientHold {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ClientHold(asio::any_io_executor executor);

  void set_held(bool held);
  bool held() const { return held_; }
  // Time spent held since this object was made, the stretch under way included.
  Clock::duration held_total() const;

  // Returns at once when not held, else when released. A client stopped while it waits ends
  // with operation_aborted, as it would in any other wait.
  asio::awaitable<void> wait_while_held();
  // A think time of `duration` that does not count the time held: held for 10 s halfway through
  // a 300 ms pause, a client still pauses 150 ms after the release.
  asio::awaitable<void> pause_unheld(Clock::duration duration);

 private:
  asio::steady_timer release_;  // every held waiter waits on it; the release cancels it
  bool held_ = false;
  Clock::time_point held_since_{};
  Clock::duration banked_{};  // finished held stretches
};

}  // namespace loopscope::scenarios
