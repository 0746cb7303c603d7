#include "stream_reader.hpp"

#include <array>
#include <memory>
#include <system_error>

#include "core/loop/awaitable_support.hpp"
#include "core/loop/connection.hpp"
#include "core/loop/line_framing.hpp"
#include "core/loop/stream_errors.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::loop {

namespace {
// One scratch buffer for the whole loop thread: a read lands here first and only the bytes
// that arrived are copied into the connection's buffer, so no connection reserves a read
// buffer in advance.
// Allocated on first use: a thread_local array would be static TLS, which every thread of the
// process gets (zeroed, so resident) whether it ever reads or not, and the threaded servers'
// thousands of threads would each pay 64 KiB for the loop's buffer.
constexpr std::size_t kScratchBytes = 64 * 1024;
thread_local std::unique_ptr<std::array<char, kScratchBytes>> tls_read_scratch_storage;

std::array<char, kScratchBytes>& read_scratch() {
  if (!tls_read_scratch_storage) tls_read_scratch_storage = std::make_unique<std::array<char, kScratchBytes>>();
  return *tls_read_scratch_storage;
}

bool is_reset(const std::error_code& error) {
  return error == asio::error::connection_reset || error == asio::error::broken_pipe ||
         error == asio::error::connection_aborted;
}
}  // namespace

void StreamReader::record_level() const {
  trace::record(trace::EventKind::BufferLevel, connection_.id(), buffered_bytes(),
                trace::detail_of(trace::BufferKind::Reader));
}

std::string StreamReader::take_front(std::size_t bytes) {
  std::string front = buffer_.substr(consumed_bytes_, bytes);
  consumed_bytes_ += front.size();
  // Handing out a line must not move everything behind it: drop the consumed front only when
  // it is the larger part, so many lines in one buffer cost linear time, not quadratic.
  if (consumed_bytes_ == buffer_.size()) {
    buffer_.clear();
    consumed_bytes_ = 0;
  } else if (consumed_bytes_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_bytes_);
    consumed_bytes_ = 0;
  }
  record_level();
  return front;
}

detail::ReadinessWait<ConnectionSocket> StreamReader::wait_readable(WaitOutcome& outcome) {
  if (connection_.is_closed()) throw ConnectionLostError("connection is closed");
  return wait_until_ready(connection_.socket(), ConnectionSocket::wait_read, outcome);
}

void StreamReader::take_available(const WaitOutcome& readable, trace::AwaitKind kind, std::source_location site) {
  if (readable.cancelled_before_start) {
    throw std::system_error(make_error_code(asio::error::operation_aborted), "co_await");
  }
  const std::error_code& wait_error = readable.error;
  if (wait_error == asio::error::operation_aborted) {
    if (connection_.is_closed()) throw ConnectionLostError("connection was closed while reading");
    trace::record(trace::EventKind::AwaitCancelled, current_task(), 0, trace::detail_of(kind), site);
    throw CancelledError();
  }
  if (wait_error) {
    connection_.mark_lost(wait_error);
    throw ConnectionLostError("receive failed: " + wait_error.message());
  }
  // Take everything the kernel has now (up to the scratch size per read, and up to the
  // read-ahead limit), then stop at the first would-block: the socket is non-blocking.
  bool kernel_may_hold_more = false;
  std::array<char, kScratchBytes>& tls_read_scratch = read_scratch();
  for (;;) {
    std::error_code error;
    const std::size_t received = connection_.socket().read_some(asio::buffer(tls_read_scratch), error);
    if (error == asio::error::would_block || error == asio::error::try_again) break;
    if (error == asio::error::eof) {
      eof_ = true;
      break;
    }
    if (error) {
      trace::record(trace::EventKind::StreamError, connection_.id(), static_cast<std::uint64_t>(error.value()),
                    trace::detail_of(trace::StreamErrorKind::ReceiveFailed));
      connection_.mark_lost(error);
      if (is_reset(error)) throw ConnectionLostError("connection reset by peer");
      throw ConnectionLostError("receive failed: " + error.message());
    }
    buffer_.append(tls_read_scratch.data(), received);
    trace::record(trace::EventKind::BytesReceived, connection_.id(), received);
    if (received < tls_read_scratch.size()) break;
    if (buffered_bytes() >= read_ahead_limit_bytes()) {
      kernel_may_hold_more = true;
      break;
    }
  }
  record_level();
  // The kernel's receive queue is worth a system call only when it is filling up.
  if (kernel_may_hold_more) connection_.sample_kernel_queues();
}

asio::awaitable<std::string> StreamReader::readline(std::source_location site) {
  std::size_t scanned_bytes = 0;  // no newline in the first scanned_bytes of what is buffered
  LineDecision decision;
  for (;;) {
    const std::string_view unread = std::string_view(buffer_).substr(consumed_bytes_);
    decision = decide_line(unread, line_limit_bytes_, eof_, scanned_bytes);
    if (decision.kind == LineDecision::Kind::Line) co_return take_front(decision.bytes);
    if (decision.kind == LineDecision::Kind::TooLong) break;
    scanned_bytes = unread.size();
    WaitOutcome readable;
    {
      AwaitScope suspended(trace::AwaitKind::Readline, site);
      co_await wait_readable(readable);
    }
    take_available(readable, trace::AwaitKind::Readline, site);
  }
  // Too long. As asyncio's readline(): the refused line goes, up to and with its newline, and
  // what came after it stays for the next read; without a newline the whole buffer goes.
  trace::record(trace::EventKind::StreamError, connection_.id(), buffered_bytes(),
                trace::detail_of(trace::StreamErrorKind::LineTooLong), site);
  take_front(decision.bytes);  // records the level left
  throw LineTooLongError(line_limit_bytes_, decision.newline_seen, site);
}

asio::awaitable<std::string> StreamReader::read(std::size_t max_bytes, std::source_location site) {
  if (max_bytes == 0) co_return std::string();
  const bool until_eof = max_bytes == std::numeric_limits<std::size_t>::max();
  while (buffered_bytes() == 0 || until_eof) {
    if (eof_) break;
    WaitOutcome readable;
    {
      AwaitScope suspended(trace::AwaitKind::Read, site);
      co_await wait_readable(readable);
    }
    take_available(readable, trace::AwaitKind::Read, site);
  }
  co_return take_front(std::min(max_bytes, buffered_bytes()));
}

asio::awaitable<std::string> StreamReader::readexactly(std::size_t n, std::source_location site) {
  while (buffered_bytes() < n) {
    if (eof_) {
      std::string partial = take_front(buffered_bytes());
      trace::record(trace::EventKind::StreamError, connection_.id(), partial.size(),
                    trace::detail_of(trace::StreamErrorKind::IncompleteRead), site);
      throw IncompleteReadError(std::move(partial), n);
    }
    WaitOutcome readable;
    {
      AwaitScope suspended(trace::AwaitKind::ReadExactly, site);
      co_await wait_readable(readable);
    }
    take_available(readable, trace::AwaitKind::ReadExactly, site);
  }
  co_return take_front(n);
}

}  // namespace loopscope::loop
