#include "stream_writer.hpp"

#include <asio/this_coro.hpp>
#include <stdexcept>

#include "core/loop/awaitable_support.hpp"
#include "core/loop/connection.hpp"
#include "core/loop/stream_errors.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::loop {

namespace {
// Staged bytes already sent are dropped from the front only once they are the larger part,
// so a long flush does not move the remaining bytes on every partial write.
constexpr std::size_t kCompactMinimumBytes = 4096;

}  // namespace

StreamWriter::StreamWriter(Connection& connection, std::size_t high_water_bytes, std::size_t low_water_bytes)
    : connection_(connection), high_water_bytes_(high_water_bytes), low_water_bytes_(low_water_bytes) {}

void StreamWriter::record_level() const {
  trace::record(trace::EventKind::BufferLevel, connection_.id(), get_write_buffer_size(),
                trace::detail_of(trace::BufferKind::Writer));
}

void StreamWriter::record_limits() const {
  const auto writer = trace::detail_of(trace::BufferKind::Writer);
  trace::record(trace::EventKind::BufferLimit, connection_.id(), high_water_bytes_, writer, {},
                static_cast<std::uint16_t>(trace::LimitKind::HighWater));
  trace::record(trace::EventKind::BufferLimit, connection_.id(), low_water_bytes_, writer, {},
                static_cast<std::uint16_t>(trace::LimitKind::LowWater));
}

void StreamWriter::set_write_buffer_limits(std::optional<std::size_t> high_water_bytes,
                                           std::optional<std::size_t> low_water_bytes) {
  const std::size_t high = high_water_bytes.value_or(64 * 1024);
  const std::size_t low = low_water_bytes.value_or(high / 4);
  if (low > high) throw std::invalid_argument("low-water mark must not exceed high-water mark");
  high_water_bytes_ = high;
  low_water_bytes_ = low;
  record_limits();
  update_pause_state();
}

void StreamWriter::update_pause_state() {
  const std::size_t level = get_write_buffer_size();
  if (!writing_paused_ && level > high_water_bytes_) {
    writing_paused_ = true;
  } else if (writing_paused_ && level <= low_water_bytes_) {
    writing_paused_ = false;
    connection_.wake_waiters();
  }
}

void StreamWriter::write(std::string_view bytes) {
  // asyncio's transport drops writes once it is closing or the peer is gone (the error, if
  // any, surfaces in drain()); so do we. Raising here would kill whichever task wrote, which
  // in a chat is another member's task.
  if (closing_ || connection_.is_lost() || connection_.is_closed() || bytes.empty()) return;
  staged_.append(bytes);
  // Fast path, as asyncio's transport: try the kernel at once; only the rest waits.
  if (!flush_armed_) flush_now();
  record_level();
  update_pause_state();
  if (get_write_buffer_size() > 0) arm_flush();
}

void StreamWriter::flush_now() {
  auto& socket = connection_.socket();
  while (get_write_buffer_size() > 0) {
    std::error_code error;
    const std::size_t sent = socket.write_some(
        asio::buffer(staged_.data() + staged_offset_, staged_.size() - staged_offset_), error);
    if (error == asio::error::would_block || error == asio::error::try_again) break;
    if (error) {
      trace::record(trace::EventKind::StreamError, connection_.id(), static_cast<std::uint64_t>(error.value()),
                    trace::detail_of(trace::StreamErrorKind::SendFailed));
      staged_.clear();
      staged_offset_ = 0;
      connection_.mark_lost(error);
      return;
    }
    staged_offset_ += sent;
    trace::record(trace::EventKind::BytesSent, connection_.id(), sent);
  }
  const bool kernel_refused_some = staged_offset_ != staged_.size();
  if (!kernel_refused_some) {
    staged_.clear();
    staged_offset_ = 0;
  } else if (staged_offset_ >= kCompactMinimumBytes && staged_offset_ * 2 >= staged_.size()) {
    staged_.erase(0, staged_offset_);
    staged_offset_ = 0;
  }
  // The kernel's send queue is worth a system call only under backpressure: while it refuses
  // bytes, and once more as the backlog clears. A reply that goes straight out costs none.
  if (kernel_refused_some || flush_armed_) connection_.sample_kernel_queues(!kernel_refused_some);
}

void StreamWriter::arm_flush() {
  if (flush_armed_ || connection_.is_closed() || connection_.is_lost()) return;
  flush_armed_ = true;
  connection_.socket().async_wait(
      ConnectionSocket::wait_write,
      [connection = connection_.shared_from_this()](const std::error_code& error) {
        connection->writer().on_writable(error);
      });
}

void StreamWriter::on_writable(const std::error_code& error) {
  if (connection_.is_closed()) {
    flush_armed_ = false;
    return;
  }
  if (error && error != asio::error::operation_aborted) {
    flush_armed_ = false;
    connection_.mark_lost(error);
  } else if (!error) {
    flush_now();  // still marked armed here: this flush works off a backlog
    flush_armed_ = false;
    record_level();
  } else {
    flush_armed_ = false;
  }
  update_pause_state();
  if (connection_.is_lost()) {
    if (closing_) connection_.close_now(trace::CloseReason::PeerReset, false);
    return;
  }
  if (get_write_buffer_size() > 0) {
    arm_flush();
  } else if (closing_) {
    connection_.close_now(trace::CloseReason::Closed, false);
  }
}

asio::awaitable<void> StreamWriter::drain(std::source_location site) {
  if (connection_.is_lost()) throw ConnectionLostError("connection lost: " + connection_.lost_reason().message());
  if (!writing_paused_) co_return;
  // Another task may be draining this writer (a chat broadcast); keep the connection alive
  // until we are done with it, even if its own handler ends meanwhile.
  const auto keep_alive = connection_.shared_from_this();
  const TaskId task = current_task();
  trace::record(trace::EventKind::DrainStallBegin, connection_.id(), get_write_buffer_size(), 0, site);
  {
    AwaitScope suspended(trace::AwaitKind::Drain, site);
    while (writing_paused_ && !connection_.is_lost() && !connection_.is_closed()) {
      co_await connection_.wait_for_wake();
      // Read inline: this path does not throw when the task is cancelled, so the stall's end
      // and the cancellation are recorded before we unwind.
      const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
      if (state.cancelled() != asio::cancellation_type::none) {
        trace::record(trace::EventKind::AwaitCancelled, task, 0, trace::detail_of(trace::AwaitKind::Drain), site);
        trace::record(trace::EventKind::DrainStallEnd, connection_.id(), get_write_buffer_size(), 0, site);
        throw CancelledError();
      }
    }
  }
  trace::record(trace::EventKind::DrainStallEnd, connection_.id(), get_write_buffer_size(), 0, site);
  if (connection_.is_lost()) throw ConnectionLostError("connection lost: " + connection_.lost_reason().message());
}

void StreamWriter::close() {
  if (closing_) return;
  closing_ = true;
  if (connection_.is_closed()) return;
  if (connection_.is_lost()) {
    connection_.close_now(trace::CloseReason::PeerReset, false);
  } else if (get_write_buffer_size() == 0) {
    connection_.close_now(trace::CloseReason::Closed, false);
  }
  // Otherwise the pending flush closes it once the staged bytes are out.
}

asio::awaitable<void> StreamWriter::wait_closed(std::source_location site) {
  if (connection_.is_closed()) {
    // Nothing to wait for, as asyncio's `await writer.wait_closed()` on a closed transport;
    // recorded all the same, so the trace shows the close was awaited.
    trace::record(trace::EventKind::AwaitReady, current_task(), 0, trace::detail_of(trace::AwaitKind::WaitClosed), site);
    co_return;
  }
  const auto keep_alive = connection_.shared_from_this();
  const TaskId task = current_task();
  AwaitScope suspended(trace::AwaitKind::WaitClosed, site);
  while (!connection_.is_closed()) {
    co_await connection_.wait_for_wake();
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
      trace::record(trace::EventKind::AwaitCancelled, task, 0, trace::detail_of(trace::AwaitKind::WaitClosed), site);
      throw CancelledError();
    }
  }
}

void StreamWriter::abort() {
  closing_ = true;
  staged_.clear();
  staged_offset_ = 0;
  record_level();
  connection_.close_now(trace::CloseReason::Aborted, true);
}

}  // namespace loopscope::loop
