#pragma once
// The other half of the seeds' comparison table: a server that gives each connection a thread
// with blocking reads and writes, or (the bounded pool) hands connections to N worker threads
// from a queue, so connection N+1 waits until one ends. It records the same events as the
// loop: every connection is a task whose lane shows its thread running, blocked in recv(),
// blocked in send() (the kernel's buffer full) or waiting in the pool's queue.
//
// Binds 127.0.0.1 unless told otherwise, caps connections as the loop does, and keeps bad
// input local to its connection. Control calls are safe from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/threads/socket_handle.hpp"
#include "core/threads/thread_handlers.hpp"
#include "core/trace/hook.hpp"
#include "core/trace/recorder.hpp"

namespace loopscope::threads {

enum class ThreadModel {
  PerConnection,  // a new thread for every connection, for as long as it lasts
  Pool,           // a fixed number of worker threads; connections queue for a free one
};

struct ThreadedServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;              // 0: the kernel picks a free port
  std::size_t max_connections = 1024;  // beyond this, new connections are closed at once
  std::size_t line_limit_bytes = 64 * 1024;
  std::optional<int> socket_send_buffer_bytes;
  std::optional<int> socket_receive_buffer_bytes;
  ThreadModel model = ThreadModel::PerConnection;
  std::size_t pool_threads = 50;       // Pool: the seeds' table's 50 threads
  std::uint32_t first_connection_id = 1;  // as the loop's first_task_id
};

class ThreadedServer {
 public:
  ThreadedServer(trace::Recorder& recorder, ThreadedServerOptions options, ThreadHandler handler, std::string handler_name);
  ThreadedServer(const ThreadedServer&) = delete;
  ThreadedServer& operator=(const ThreadedServer&) = delete;
  ~ThreadedServer();  // close()

  // Binds, listens and starts the accepting thread (and the pool's workers). Returns the port.
  // Throws std::system_error when the address cannot be bound.
  std::uint16_t start();
  std::uint16_t port() const { return port_; }
  // Stops accepting; connections still queued are closed; every handler is cancelled (its
  // recv() ends with CancelledError, as asyncio cancels its tasks) and its connection closed;
  // one still blocked in send() after `grace` is reset. Waits for every thread. Idempotent.
  void close(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  // For connections accepted from now on (open ones keep theirs).
  void set_handler(ThreadHandler handler, std::string handler_name);
  void set_socket_buffers(std::optional<int> send_buffer_bytes, std::optional<int> receive_buffer_bytes);

  std::size_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
  std::size_t queued_connections() const;
  std::size_t connection_threads() const { return connection_threads_.load(std::memory_order_relaxed); }
  // Connections closed at once because no thread could be started for them (the process or
  // the system ran out of threads or memory for stacks): what limits a thread per connection.
  std::uint64_t threads_refused() const { return threads_refused_.load(std::memory_order_relaxed); }

 private:
  struct HandlerEntry {
    ThreadHandler handler;
    std::uint16_t label_id;
  };
  struct Accepted {
    std::uint32_t id;
    std::shared_ptr<SocketHandle> socket;
    std::uint32_t peer_ipv4;
    std::uint16_t peer_port;
    std::shared_ptr<const HandlerEntry> handler;
    bool waited = false;  // Pool: queued with no worker free, so its lane shows the wait
  };

  void accept_loop();
  void admit(int fd, std::uint32_t peer_ipv4, std::uint16_t peer_port);
  void pool_worker();
  // Runs the connection's handler on the calling thread and cleans up after it.
  void serve(const Accepted& connection);
  void record_failure(std::uint32_t id, const std::string& text, std::source_location site);
  void forget(std::uint32_t id);

  trace::Recorder& recorder_;
  ThreadedServerOptions options_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread accept_thread_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool closed_ = false;

  mutable std::mutex mutex_;  // guards what follows
  std::shared_ptr<const HandlerEntry> handler_;
  std::optional<int> send_buffer_bytes_;
  std::optional<int> receive_buffer_bytes_;
  std::unordered_map<std::uint32_t, std::shared_ptr<SocketHandle>> live_;  // being served
  std::deque<Accepted> queue_;                                               // Pool: waiting for a worker
  std::vector<Accepted> leaked_;  // their handlers returned without close(): open until close()
  std::size_t idle_workers_ = 0;                                             // Pool: workers waiting for one
  std::condition_variable queue_ready_;
  std::condition_variable all_done_;
  std::uint32_t next_id_;

  std::atomic<std::size_t> open_connections_{0};
  std::atomic<std::size_t> connection_threads_{0};  // PerConnection: threads alive
  std::atomic<std::uint64_t> threads_refused_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace loopscope::threads
