#include "client_hold.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <system_error>

namespace loopscope::scenarios {

namespace {
constexpr auto use_nothrow_awaitable = asio::experimental::as_tuple(asio::use_awaitable);
// A pause is re-armed once per hold that fell inside it; this bounds a pathological flicker.
constexpr int kMaxPauseRounds = 10'000;

// The release and a stop both cancel the wait; only a stop must end the client.
asio::awaitable<void> throw_if_stopped() {
  const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    throw std::system_error(asio::error::operation_aborted);
  }
}
}  // namespace

ClientHold::ClientHold(asio::any_io_executor executor) : release_(std::move(executor)) {}

void ClientHold::set_held(bool held) {
  if (held == held_) return;
  held_ = held;
  if (held) {
    held_since_ = Clock::now();
    release_.expires_at(Clock::time_point::max());
  } else {
    banked_ += Clock::now() - held_since_;
    release_.cancel();
  }
}

ClientHold::Clock::duration ClientHold::held_total() const {
  return held_ ? banked_ + (Clock::now() - held_since_) : banked_;
}

asio::awaitable<void> ClientHold::wait_while_held() {
  while (held_) {
    auto [error] = co_await release_.async_wait(use_nothrow_awaitable);
    if (error && error != asio::error::operation_aborted) throw std::system_error(error);
    co_await throw_if_stopped();
  }
}

asio::awaitable<void> ClientHold::pause_unheld(Clock::duration duration) {
  const Clock::time_point started = Clock::now();
  const Clock::duration held_before = held_total();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int round = 0; round < kMaxPauseRounds; ++round) {
    co_await wait_while_held();
    const Clock::duration unheld = (Clock::now() - started) - (held_total() - held_before);
    if (unheld >= duration) co_return;
    timer.expires_after(duration - unheld);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace loopscope::scenarios
