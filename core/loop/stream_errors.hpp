#pragma once
// The errors a handler can meet, named after their asyncio counterparts so the C++ handler
// and the Python beside it read alike. Each is local to one connection: the server closes
// that connection and keeps serving the others.

#include <cstddef>
#include <source_location>
#include <stdexcept>
#include <string>

namespace loopscope::loop {

struct StreamError : std::runtime_error {
  using std::runtime_error::runtime_error;
  StreamError(const std::string& message, std::source_location raised_at) : std::runtime_error(message), site(raised_at) {}
  std::source_location site{};  // the stream call that raised it, when known (the trace names it)
};

// asyncio: LimitOverrunError / ValueError from readline(). The limit counts the bytes before
// the newline, as asyncio's does. The message is the same for every line of a connection, so
// the trace keeps one label for it; how much was buffered is in the stream_error event.
struct LineTooLongError : StreamError {
  LineTooLongError(std::size_t limit_bytes, bool newline_seen, std::source_location raised_at)
      : StreamError(std::string(newline_seen ? "a line (newline found) is longer than the limit of "
                                             : "no newline within the limit of ") +
                        std::to_string(limit_bytes) + " bytes",
                    raised_at) {}
};

// asyncio: IncompleteReadError from readexactly().
struct IncompleteReadError : StreamError {
  IncompleteReadError(std::string partial_bytes, std::size_t expected_bytes)
      : StreamError("peer closed after " + std::to_string(partial_bytes.size()) + " of " +
                    std::to_string(expected_bytes) + " expected bytes"),
        partial(std::move(partial_bytes)),
        expected(expected_bytes) {}
  std::string partial;
  std::size_t expected;
};

// asyncio: ConnectionResetError / BrokenPipeError from read or drain.
struct ConnectionLostError : StreamError {
  using StreamError::StreamError;
};

// asyncio: CancelledError. Thrown out of the await that was cancelled.
struct CancelledError : std::runtime_error {
  CancelledError() : std::runtime_error("task cancelled") {}
};

// asyncio: TimeoutError from wait_for().
struct TimeoutError : std::runtime_error {
  TimeoutError() : std::runtime_error("timed out") {}
};

}  // namespace loopscope::loop
