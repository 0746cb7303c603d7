#pragma once
// One accepted TCP connection: the socket, its reader and writer, and its lifecycle.
// Shared (shared_ptr) between the handler task and the writer's pending flush, so whichever
// finishes last frees it. Lives on the loop thread only.

#include <asio/cancellation_signal.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <source_location>

#include "core/loop/connection_socket.hpp"
#include "core/loop/stream_limits.hpp"
#include "core/loop/stream_reader.hpp"
#include "core/loop/stream_writer.hpp"
#include "core/loop/task_trace.hpp"
#include "core/trace/event_kind.hpp"

namespace loopscope::loop {

// Told when a connection's socket is gone (from close_now, on the loop). An interface rather
// than a std::function: one pointer per connection instead of 32 bytes.
class ConnectionObserver {
 public:
  virtual void connection_closed(TaskId id) = 0;

 protected:
  ~ConnectionObserver() = default;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ConnectionSocket socket, TaskId id, const StreamLimits& limits, std::uint32_t peer_ipv4,
             std::uint16_t peer_port, ConnectionObserver* observer = nullptr);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  TaskId id() const { return id_; }
  StreamReader& reader() { return reader_; }
  StreamWriter& writer() { return writer_; }
  ConnectionSocket& socket() { return socket_; }
  asio::cancellation_signal& task_cancel_signal() { return task_cancel_signal_; }

  bool is_closed() const { return closed_; }
  bool is_lost() const { return lost_; }  // the peer reset, or a send/receive failed
  bool handler_done() const { return handler_done_; }
  void set_handler_done() { handler_done_ = true; }

  // The peer is gone: remember why, wake anyone waiting in drain() or wait_closed().
  void mark_lost(const std::error_code& error);
  // Closes the socket now. `reason` is recorded; a reset is sent when `reset` is true.
  void close_now(trace::CloseReason reason, bool reset);

  // drain() and wait_closed() sleep here until something they wait for may have changed.
  asio::awaitable<void> wait_for_wake();
  void wake_waiters();

  // SIOCOUTQ / SIOCINQ, at most once per kernel_sample_interval unless forced.
  void sample_kernel_queues(bool force = false);

  std::error_code lost_reason() const { return lost_reason_; }

 private:
  // Ordered largest first, so that no padding is spent: there is one of these per connection.
  ConnectionSocket socket_;
  StreamReader reader_;
  StreamWriter writer_;
  asio::cancellation_signal task_cancel_signal_;
  std::unique_ptr<asio::steady_timer> wake_timer_;  // made on first wait: idle connections stay small
  ConnectionObserver* observer_;                    // may be null
  std::uint64_t kernel_sample_interval_ticks_;
  std::uint64_t last_kernel_sample_ticks_ = 0;
  std::error_code lost_reason_;
  TaskId id_;
  std::uint32_t peer_ipv4_;  // for the closed event; 0 for IPv6
  std::uint16_t peer_port_;
  bool closed_ = false;
  bool lost_ = false;
  bool handler_done_ = false;
};

}  // namespace loopscope::loop
