#pragma once
// A plain blocking TCP client for tests, deliberately not built on the code under test:
// POSIX sockets with receive timeouts, so every read is bounded in time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace loopscope::testing {

class LoopbackClient {
 public:
  // receive_buffer_bytes: SO_RCVBUF set before connecting (0 keeps the default).
  explicit LoopbackClient(std::uint16_t port, int receive_buffer_bytes = 0);
  LoopbackClient(const LoopbackClient&) = delete;
  LoopbackClient& operator=(const LoopbackClient&) = delete;
  LoopbackClient(LoopbackClient&& other) noexcept;
  ~LoopbackClient();

  bool connected() const { return fd_ >= 0; }
  void send_all(std::string_view bytes);
  // The next line (with its "\n"), or nullopt on timeout / EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Whatever arrives within timeout, up to max_bytes; "" on EOF or timeout.
  std::string read_some(std::size_t max_bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until EOF (true) or timeout (false); collected bytes go to `received`.
  bool read_until_eof(std::string& received, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // As read_until_eof, saying how the stream ended: a normal end (FIN) or a reset.
  enum class StreamEnd { Fin, Reset, Timeout };
  StreamEnd read_to_end(std::string& received, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void shutdown_write();
  void reset();  // close with SO_LINGER 0: the server sees a reset
  void close();
  int fd() const { return fd_; }

 private:
  bool wait_readable(std::chrono::milliseconds timeout);
  int fd_ = -1;
  std::string pending_;
};

// Polls `condition` every few ms until it holds or `timeout` passes. Returns whether it held.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace loopscope::testing
