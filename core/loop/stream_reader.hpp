#pragma once
// The reading half of a connection, shaped like asyncio.StreamReader.
// Bytes are read only while a handler awaits: an idle connection holds no buffer memory, and
// a handler that stops reading leaves the bytes in the kernel, which pushes back on the peer.

#include <asio/awaitable.hpp>
#include <cstddef>
#include <limits>
#include <source_location>
#include <string>
#include <system_error>

#include "core/loop/awaitable_support.hpp"
#include "core/loop/connection_socket.hpp"
#include "core/loop/task_trace.hpp"

namespace loopscope::loop {

class Connection;

class StreamReader {
 public:
  explicit StreamReader(Connection& connection, std::size_t line_limit_bytes)
      : connection_(connection), line_limit_bytes_(line_limit_bytes) {}
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // One line including its "\n". At EOF: whatever is left without the newline, then "".
  // A line longer than the limit throws LineTooLongError.
  asio::awaitable<std::string> readline(std::source_location site = std::source_location::current());

  // Up to max_bytes as soon as any are available; "" at EOF. Without an argument: until EOF.
  asio::awaitable<std::string> read(std::size_t max_bytes = std::numeric_limits<std::size_t>::max(),
                                    std::source_location site = std::source_location::current());

  // Exactly n bytes, or IncompleteReadError when the peer closes first.
  asio::awaitable<std::string> readexactly(std::size_t n,
                                           std::source_location site = std::source_location::current());

  bool at_eof() const { return eof_ && buffered_bytes() == 0; }
  bool saw_eof() const { return eof_; }
  std::size_t buffered_bytes() const { return buffer_.size() - consumed_bytes_; }
  std::size_t line_limit_bytes() const { return line_limit_bytes_; }

 private:
  // Each reading call awaits the socket itself, inside its own AwaitScope, and the wait has no
  // coroutine frame of its own (wait_until_ready): a connection parked in readline() holds
  // just the handler's frame and readline's, and idle connections are what memory per
  // connection is measured on.
  detail::ReadinessWait<ConnectionSocket> wait_readable(WaitOutcome& outcome);
  // After the wait: turns its error into the right exception, or reads what the kernel has.
  void take_available(const WaitOutcome& readable, trace::AwaitKind kind, std::source_location site);
  std::string take_front(std::size_t bytes);
  void record_level() const;
  // Read ahead no further than this: like asyncio, which stops reading at twice its limit,
  // so a flood waits in the kernel (pushing back on the sender) instead of in our memory.
  std::size_t read_ahead_limit_bytes() const { return 2 * line_limit_bytes_; }

  Connection& connection_;
  std::size_t line_limit_bytes_;
  std::string buffer_;
  std::size_t consumed_bytes_ = 0;  // bytes at the front of buffer_ already handed out
  bool eof_ = false;
};

}  // namespace loopscope::loop
