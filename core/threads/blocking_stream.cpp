#include "blocking_stream.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/loop/line_framing.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::threads {

namespace {

using trace::AwaitKind;
using trace::EventKind;

constexpr std::size_t kReadChunkBytes = 16 * 1024;

bool is_reset(int error) { return error == ECONNRESET || error == EPIPE || error == ECONNABORTED; }

}  // namespace

BlockingStream::BlockingStream(std::shared_ptr<SocketHandle> socket, std::uint32_t connection_id,
                               std::size_t line_limit_bytes, std::uint32_t peer_ipv4, std::uint16_t peer_port)
    : socket_(std::move(socket)),
      id_(connection_id),
      line_limit_bytes_(line_limit_bytes),
      peer_ipv4_(peer_ipv4),
      peer_port_(peer_port) {}

void BlockingStream::record_reader_level() const {
  trace::record(EventKind::BufferLevel, id_, buffer_.size() - consumed_bytes_,
                static_cast<std::uint8_t>(trace::BufferKind::Reader));
}

void BlockingStream::record_kernel_queues() const {
  const int fd = socket_->fd();
  if (!trace::kHooksEnabled || fd < 0) return;
  int queued_bytes = 0;
  if (::ioctl(fd, SIOCOUTQ, &queued_bytes) == 0) {
    trace::record(EventKind::BufferLevel, id_, static_cast<std::uint64_t>(queued_bytes),
                  static_cast<std::uint8_t>(trace::BufferKind::KernelSend));
  }
  if (::ioctl(fd, SIOCINQ, &queued_bytes) == 0) {
    trace::record(EventKind::BufferLevel, id_, static_cast<std::uint64_t>(queued_bytes),
                  static_cast<std::uint8_t>(trace::BufferKind::KernelReceive));
  }
}

void BlockingStream::receive_more(std::source_location site) {
  std::array<char, kReadChunkBytes> chunk;
  // First without blocking: bytes already in the kernel are taken with no wait to record.
  ssize_t received = ::recv(socket_->fd(), chunk.data(), chunk.size(), MSG_DONTWAIT);
  if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    trace::record(EventKind::TaskSuspended, id_, 0, trace::detail_of(AwaitKind::Recv), site);
    do {
      received = ::recv(socket_->fd(), chunk.data(), chunk.size(), 0);  // the thread sleeps in the kernel here
    } while (received < 0 && errno == EINTR);
    const int saved_errno = errno;
    trace::record(EventKind::TaskResumed, id_, 0, trace::detail_of(AwaitKind::Recv), site);
    errno = saved_errno;
  }
  // The server's close() shut the socket down to wake this thread: a cancellation, not the
  // client's end of stream (whatever was buffered is not handed out as a last line).
  if (received <= 0 && socket_->cancelled()) throw CancelledError("the server is closing", site);
  if (received == 0) {
    eof_ = true;
    return;
  }
  if (received < 0) {
    const int error = errno;
    trace::record(EventKind::StreamError, id_, static_cast<std::uint64_t>(error),
                  static_cast<std::uint8_t>(trace::StreamErrorKind::ReceiveFailed), site);
    lost_ = true;
    eof_ = true;
    if (is_reset(error)) throw ConnectionLostError("connection reset by peer", site);
    throw ConnectionLostError(std::string("receive failed: ") + std::strerror(error), site);
  }
  buffer_.append(chunk.data(), static_cast<std::size_t>(received));
  trace::record(EventKind::BytesReceived, id_, static_cast<std::uint64_t>(received));
  record_reader_level();
}

std::string BlockingStream::readline(std::source_location site) {
  std::size_t scanned_bytes = 0;
  loop::LineDecision decision;
  for (;;) {
    const std::string_view unread = std::string_view(buffer_).substr(consumed_bytes_);
    decision = loop::decide_line(unread, line_limit_bytes_, eof_, scanned_bytes);
    if (decision.kind != loop::LineDecision::Kind::NeedMore) break;
    scanned_bytes = unread.size();
    receive_more(site);
  }
  std::string front = buffer_.substr(consumed_bytes_, decision.bytes);
  consumed_bytes_ += front.size();
  if (consumed_bytes_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_bytes_);
    consumed_bytes_ = 0;
  }
  if (decision.kind == loop::LineDecision::Kind::TooLong) {
    // As asyncio's readline() and the loop's: the refused line goes (through its newline, if
    // it had one), what follows stays, and the handler gets the error.
    trace::record(EventKind::StreamError, id_, front.size(), static_cast<std::uint8_t>(trace::StreamErrorKind::LineTooLong),
                  site);
    record_reader_level();
    throw LineTooLongError(std::string(decision.newline_seen ? "a line (newline found) is longer than the limit of "
                                                             : "no newline within the limit of ") +
                               std::to_string(line_limit_bytes_) + " bytes",
                           site);
  }
  record_reader_level();
  return front;
}

void BlockingStream::write(std::string_view bytes, std::source_location site) {
  std::size_t offset = 0;
  bool blocked = false;
  while (offset < bytes.size()) {
    const int flags = MSG_NOSIGNAL | (blocked ? 0 : MSG_DONTWAIT);
    const ssize_t sent = ::send(socket_->fd(), bytes.data() + offset, bytes.size() - offset, flags);
    if (sent >= 0) {
      offset += static_cast<std::size_t>(sent);
      trace::record(EventKind::BytesSent, id_, static_cast<std::uint64_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (!blocked && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The kernel's buffer is full: from here the thread blocks in send() until the client
      // reads. Recorded once per write, with the queues as they stood when it blocked.
      blocked = true;
      record_kernel_queues();
      trace::record(EventKind::TaskSuspended, id_, 0, trace::detail_of(AwaitKind::Send), site);
      continue;
    }
    const int error = errno;
    if (blocked) trace::record(EventKind::TaskResumed, id_, 0, trace::detail_of(AwaitKind::Send), site);
    if (socket_->cancelled()) throw CancelledError("the server is closing", site);  // it cut this send off
    trace::record(EventKind::StreamError, id_, static_cast<std::uint64_t>(error),
                  static_cast<std::uint8_t>(trace::StreamErrorKind::SendFailed), site);
    lost_ = true;
    if (is_reset(error)) throw ConnectionLostError("connection reset by peer", site);
    throw ConnectionLostError(std::string("send failed: ") + std::strerror(error), site);
  }
  if (blocked) {
    trace::record(EventKind::TaskResumed, id_, 0, trace::detail_of(AwaitKind::Send), site);
    record_kernel_queues();
  }
}

void BlockingStream::close_as(trace::CloseReason reason) {
  if (socket_->fd() < 0) return;
  // Recorded before the socket goes, as the loop does: a client that has seen the FIN can
  // rely on the trace already holding the close that sent it.
  trace::record(EventKind::ConnectionClosed, id_, peer_ipv4_, static_cast<std::uint8_t>(reason), {}, peer_port_);
  socket_->close();
}

}  // namespace loopscope::threads
