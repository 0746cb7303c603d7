#pragma once
// The writing half of a connection, shaped like asyncio.StreamWriter.
// write() never blocks: it hands what it can to the kernel and stages the rest; the loop
// flushes the staged bytes when the socket is writable. drain() is the backpressure point.

#include <asio/awaitable.hpp>
#include <cstddef>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>

#include "core/loop/task_trace.hpp"

namespace loopscope::loop {

class Connection;

class StreamWriter {
 public:
  StreamWriter(Connection& connection, std::size_t high_water_bytes, std::size_t low_water_bytes);
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;

  void write(std::string_view bytes);

  // Returns at once unless writing is paused (buffer went above high-water); then waits until
  // the buffer is at or below low-water. Throws ConnectionLostError if the peer is gone.
  asio::awaitable<void> drain(std::source_location site = std::source_location::current());

  // Closes after the staged bytes are flushed. wait_closed() waits until that has happened.
  void close();
  asio::awaitable<void> wait_closed(std::source_location site = std::source_location::current());
  // Drops staged bytes and resets the connection now.
  void abort();

  bool is_closing() const { return closing_; }
  std::size_t get_write_buffer_size() const { return staged_.size() - staged_offset_; }
  // asyncio semantics: low defaults to high / 4 when only high is given.
  void set_write_buffer_limits(std::optional<std::size_t> high_water_bytes,
                               std::optional<std::size_t> low_water_bytes = std::nullopt);
  std::size_t high_water_bytes() const { return high_water_bytes_; }
  std::size_t low_water_bytes() const { return low_water_bytes_; }
  bool writing_paused() const { return writing_paused_; }

 private:
  friend class Connection;
  void flush_now();          // hands staged bytes to the kernel until it would block
  void on_writable(const std::error_code& error);
  void arm_flush();
  void update_pause_state();
  void record_level() const;
  void record_limits() const;

  Connection& connection_;
  std::size_t high_water_bytes_;
  std::size_t low_water_bytes_;
  std::string staged_;
  std::size_t staged_offset_ = 0;  // bytes at the front of staged_ already sent
  bool flush_armed_ = false;
  bool writing_paused_ = false;
  bool closing_ = false;
};

}  // namespace loopscope::loop
