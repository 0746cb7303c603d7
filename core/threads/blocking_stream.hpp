#pragma once
// One connection as a thread-per-connection server sees it: a blocking socket that its own
// thread reads and writes. readline() and write() keep asyncio's stream rules for what the
// client receives (the line limit, the refused line), but wait the threaded way: the thread
// blocks in recv() until bytes come, and in send() while the kernel's send buffer is full (the
// threaded form of backpressure; there is no writer buffer to drain). Each block is recorded
// as a suspension (AwaitKind::Recv / Send) with its site, so the thread's lane shows it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/threads/socket_handle.hpp"
#include "core/trace/event_kind.hpp"

namespace loopscope::threads {

// What ends a handler early, as the loop's stream errors do (each local to its connection).
struct ThreadStreamError : std::runtime_error {
  ThreadStreamError(const std::string& message, std::source_location raised_at)
      : std::runtime_error(message), site(raised_at) {}
  std::source_location site;
};
// asyncio: ValueError from readline() past the limit.
struct LineTooLongError : ThreadStreamError {
  using ThreadStreamError::ThreadStreamError;
};
// asyncio: ConnectionResetError / BrokenPipeError.
struct ConnectionLostError : ThreadStreamError {
  using ThreadStreamError::ThreadStreamError;
};
// asyncio: CancelledError, when the server closes while the handler waits.
struct CancelledError : ThreadStreamError {
  using ThreadStreamError::ThreadStreamError;
};

class BlockingStream {
 public:
  // The socket is in blocking mode; it is closed by close(), or when the last owner lets go.
  BlockingStream(std::shared_ptr<SocketHandle> socket, std::uint32_t connection_id, std::size_t line_limit_bytes,
                 std::uint32_t peer_ipv4 = 0, std::uint16_t peer_port = 0);
  BlockingStream(const BlockingStream&) = delete;
  BlockingStream& operator=(const BlockingStream&) = delete;

  // A whole line with its newline; at end of stream whatever is left ("" once nothing is).
  // Throws LineTooLongError by asyncio's rule (the limit counts the bytes before the newline).
  std::string readline(std::source_location site = std::source_location::current());
  // Hands every byte to the kernel, blocking while its send buffer is full.
  void write(std::string_view bytes, std::source_location site = std::source_location::current());
  // As writer.close(): everything written is already with the kernel, so this is the FIN.
  void close() { close_as(trace::CloseReason::Closed); }
  // Closes (if still open) and records why: the server's cleanup after the handler.
  void close_as(trace::CloseReason reason);

  std::uint32_t id() const { return id_; }
  bool saw_eof() const { return eof_; }
  bool lost() const { return lost_; }
  bool closed() const { return socket_->fd() < 0; }
  bool cancelled() const { return socket_->cancelled(); }
  bool aborted() const { return socket_->aborted(); }

 private:
  // Reads once into the buffer; blocks (recorded) only when nothing is there yet.
  void receive_more(std::source_location site);
  void record_reader_level() const;
  void record_kernel_queues() const;

  std::shared_ptr<SocketHandle> socket_;
  std::uint32_t id_;
  std::size_t line_limit_bytes_;
  std::uint32_t peer_ipv4_;
  std::uint16_t peer_port_;
  std::string buffer_;
  std::size_t consumed_bytes_ = 0;
  bool eof_ = false;
  bool lost_ = false;
};

}  // namespace loopscope::threads
