#pragma once
// asyncio.start_server for Loopscope: accepts TCP connections on the loop thread and runs one
// handler coroutine (a task) per connection, handing it a StreamReader and a StreamWriter.
// Binds 127.0.0.1 unless told otherwise. Control calls are safe from any thread: they are
// posted to the loop, so while the loop is frozen they wait their turn, as a learner should see.

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/loop/awaitable_support.hpp"
#include "core/loop/connection.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_limits.hpp"
#include "core/loop/task_failure.hpp"

namespace loopscope::loop {

using ConnectionHandler = std::function<asio::awaitable<void>(StreamReader&, StreamWriter&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;               // 0: the kernel picks a free port
  std::size_t max_connections = 1024;   // beyond this, new connections are closed at once
  StreamLimits limits;
  // The first connection's (and task's) id. A session that replaces its server (another
  // model on the same port) starts the next one past every id its trace already holds.
  std::uint32_t first_task_id = 1;
};

class StreamServer final : private ConnectionObserver {
 public:
  StreamServer(LoopThread& loop, ServerOptions options, ConnectionHandler handler, std::string handler_name);
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;
  ~StreamServer();  // close() with the default grace period

  // Binds, listens and starts accepting. Throws std::system_error when the address is taken.
  asio::ip::tcp::endpoint start();
  asio::ip::tcp::endpoint local_endpoint() const { return endpoint_; }

  // Stops accepting, asks every task to finish (cancelling its await) and closes every
  // connection after its staged bytes are flushed; whatever is left after `grace` is reset.
  void close(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  // Live controls, posted to the loop. `applied`, if given, runs on the loop right after the
  // change is made, so a caller can tell how many of its commands are still queued.
  void post_set_write_buffer_limits(std::size_t high_water_bytes, std::size_t low_water_bytes,
                                    std::function<void()> applied = {});
  void post_set_handler(ConnectionHandler handler, std::string handler_name, std::function<void()> applied = {});
  // SO_SNDBUF / SO_RCVBUF for connections accepted from then on (nullopt: the kernel's choice).
  // Open connections keep theirs.
  void post_set_socket_buffers(std::optional<int> send_buffer_bytes, std::optional<int> receive_buffer_bytes,
                               std::function<void()> applied = {});

  // Connections open or still being handled (approximate when read off the loop thread).
  std::size_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

 private:
  struct HandlerEntry {
    ConnectionHandler handler;
    std::uint16_t label_id;
  };

  asio::awaitable<void> accept_loop();
  void admit(ConnectionSocket socket);
  // The connection's task: its handler and the bookkeeping around it, in one coroutine that is
  // also the entry point of its coroutine stack (launch_task), so a parked connection holds no
  // wrapper frame beyond it.
  TaskEntryPoint run_task(std::shared_ptr<Connection> connection, std::shared_ptr<const HandlerEntry> entry);
  void forget_if_finished(TaskId id);
  void record_failure(TaskId id, const TaskFailure& failure);  // the TaskFailed event, on the loop
  void connection_closed(TaskId id) override { forget_if_finished(id); }
  std::vector<std::shared_ptr<Connection>> snapshot_connections() const;
  void begin_shutdown();
  void abort_remaining();

  LoopThread& loop_;
  ServerOptions options_;
  std::shared_ptr<const HandlerEntry> handler_;
  ConnectionAcceptor acceptor_;
  asio::ip::tcp::endpoint endpoint_;
  std::unordered_map<TaskId, std::shared_ptr<Connection>> connections_;
  std::unordered_map<std::string, std::uint16_t> failure_labels_;  // loop thread only
  std::uint64_t failures_recorded_ = 0;
  std::atomic<std::size_t> open_connections_{0};
  std::atomic<std::size_t> running_tasks_{0};
  TaskId next_task_id_;
  bool started_ = false;
  bool closed_ = false;
};

}  // namespace loopscope::loop
