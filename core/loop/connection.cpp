#include "connection.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <asio/socket_base.hpp>
#include <chrono>

#include "core/loop/awaitable_support.hpp"
#include "core/trace/hook.hpp"
#include "core/trace/trace_clock.hpp"

namespace loopscope::loop {

namespace {
std::uint64_t interval_ticks(std::chrono::microseconds interval) {
  const double ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count());
  return static_cast<std::uint64_t>(ns / trace::TraceClock::calibrated().ns_per_tick());
}
}  // namespace

Connection::Connection(ConnectionSocket socket, TaskId id, const StreamLimits& limits, std::uint32_t peer_ipv4,
                       std::uint16_t peer_port, ConnectionObserver* observer)
    : socket_(std::move(socket)),
      reader_(*this, limits.line_limit_bytes),
      writer_(*this, limits.high_water_bytes, limits.low_water_bytes),
      observer_(observer),
      kernel_sample_interval_ticks_(interval_ticks(limits.kernel_sample_interval)),
      id_(id),
      peer_ipv4_(peer_ipv4),
      peer_port_(peer_port) {}

void Connection::mark_lost(const std::error_code& error) {
  if (lost_) return;
  lost_ = true;
  lost_reason_ = error;
  // As asyncio's transport does on connection_lost: the socket is done for, so close it;
  // whatever the reader already buffered stays readable. This also ends wait_closed().
  const bool reset = error == asio::error::connection_reset || error == asio::error::broken_pipe ||
                     error == asio::error::connection_aborted;
  close_now(reset ? trace::CloseReason::PeerReset : trace::CloseReason::Error, false);
}

void Connection::close_now(trace::CloseReason reason, bool reset) {
  if (closed_) return;
  closed_ = true;
  // Recorded before the socket goes: a peer that has seen the FIN (or the reset) can rely on the
  // trace already holding the close that sent it.
  trace::record(trace::EventKind::ConnectionClosed, id_, peer_ipv4_, trace::detail_of(reason), {}, peer_port_);
  std::error_code ignored;
  if (reset) socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  socket_.close(ignored);
  wake_waiters();
  if (observer_) observer_->connection_closed(id_);
}

asio::awaitable<void> Connection::wait_for_wake() {
  // The expiry stays at "never" for good: setting it again would cancel the other waiters'
  // waits, and they would wake each other in turn forever.
  if (!wake_timer_) {
    wake_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor(),
                                                        asio::steady_timer::time_point::max());
  }
  co_await wake_timer_->async_wait(use_nothrow_awaitable);
}

void Connection::wake_waiters() {
  if (wake_timer_) wake_timer_->cancel();
}

void Connection::sample_kernel_queues(bool force) {
  if (!trace::kHooksEnabled || closed_) return;
  const std::uint64_t now_ticks = trace::TraceClock::now_ticks();
  if (!force && now_ticks - last_kernel_sample_ticks_ < kernel_sample_interval_ticks_) return;
  last_kernel_sample_ticks_ = now_ticks;
  const int fd = socket_.native_handle();
  int queued_bytes = 0;
  if (::ioctl(fd, SIOCOUTQ, &queued_bytes) == 0) {
    trace::record(trace::EventKind::BufferLevel, id_, static_cast<std::uint64_t>(queued_bytes),
                  trace::detail_of(trace::BufferKind::KernelSend));
  }
  if (::ioctl(fd, SIOCINQ, &queued_bytes) == 0) {
    trace::record(trace::EventKind::BufferLevel, id_, static_cast<std::uint64_t>(queued_bytes),
                  trace::detail_of(trace::BufferKind::KernelReceive));
  }
}

}  // namespace loopscope::loop
