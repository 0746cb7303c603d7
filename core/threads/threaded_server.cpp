#include "threaded_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <typeinfo>

#include "core/trace/hook.hpp"

namespace loopscope::threads {

namespace {

using trace::EventKind;

// A connection thread's ring: enough for the events of a busy client between two drains (a
// GUI frame), small enough that ten thousand parked threads do not pay much for being traced.
constexpr std::size_t kConnectionRingEvents = 1024;
constexpr std::size_t kWorkerRingEvents = 4096;
constexpr int kListenBacklog = 4096;

std::system_error socket_error(const std::string& what) { return std::system_error(errno, std::generic_category(), what); }

// A listening socket on host:port (a literal address or a name), SO_REUSEADDR as Asio's
// acceptor sets it, so a restarted server can take its port back at once.
int listen_on(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int error = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); error != 0) {
    throw std::system_error(EINVAL, std::generic_category(), "cannot resolve " + host + ": " + ::gai_strerror(error));
  }
  int last_errno = EADDRNOTAVAIL;
  int fd = -1;
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    fd = ::socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, candidate->ai_addr, candidate->ai_addrlen) == 0 && ::listen(fd, kListenBacklog) == 0) break;
    last_errno = errno;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    errno = last_errno;
    throw socket_error("bind " + host + ":" + service);
  }
  return fd;
}

std::uint16_t local_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
}

int socket_option(int fd, int option) {
  int value = 0;
  socklen_t length = sizeof value;
  ::getsockopt(fd, SOL_SOCKET, option, &value, &length);
  return value;
}

// "LineTooLongError": the exception's own class name without namespaces, as the loop names it.
std::string type_name_of(const std::exception& error) {
  if (dynamic_cast<const LineTooLongError*>(&error) != nullptr) return "LineTooLongError";
  if (dynamic_cast<const ConnectionLostError*>(&error) != nullptr) return "ConnectionLostError";
  return "exception";
}

}  // namespace

ThreadedServer::ThreadedServer(trace::Recorder& recorder, ThreadedServerOptions options, ThreadHandler handler,
                               std::string handler_name)
    : recorder_(recorder),
      options_(std::move(options)),
      send_buffer_bytes_(options_.socket_send_buffer_bytes),
      receive_buffer_bytes_(options_.socket_receive_buffer_bytes),
      next_id_(options_.first_connection_id) {
  handler_ = std::make_shared<const HandlerEntry>(HandlerEntry{std::move(handler), recorder_.intern_label(handler_name)});
}

ThreadedServer::~ThreadedServer() { close(); }

std::uint16_t ThreadedServer::start() {
  if (started_) return port_;
  listen_fd_ = listen_on(options_.host, options_.port);
  port_ = local_port(listen_fd_);
  try {
    if (options_.model == ThreadModel::Pool) {
      workers_.reserve(options_.pool_threads);
      for (std::size_t index = 0; index < options_.pool_threads; ++index) workers_.emplace_back([this] { pool_worker(); });
    }
    accept_thread_ = std::thread([this] { accept_loop(); });
  } catch (...) {
    // Out of threads before serving anyone (a pool larger than the system allows): the workers
    // that did start are stopped, and the caller hears why.
    stopping_.store(true, std::memory_order_release);
    queue_ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
    ::close(listen_fd_);
    listen_fd_ = -1;
    throw;
  }
  started_ = true;
  return port_;
}

void ThreadedServer::accept_loop() {
  auto attachment = recorder_.attach_current_thread("accept");
  for (;;) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
    if (stopping_.load(std::memory_order_acquire)) {
      if (fd >= 0) ::close(fd);
      return;
    }
    if (fd < 0) {
      // Out of descriptors (EMFILE) or a connection that died in the backlog: keep accepting,
      // after a breath so a full descriptor table does not spin this thread.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      continue;
    }
    std::uint32_t peer_ipv4 = 0;
    std::uint16_t peer_port = 0;
    if (peer.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&peer);
      peer_ipv4 = ntohl(v4->sin_addr.s_addr);
      peer_port = ntohs(v4->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      peer_port = ntohs(reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_port);
    }
    admit(fd, peer_ipv4, peer_port);
  }
}

void ThreadedServer::admit(int fd, std::uint32_t peer_ipv4, std::uint16_t peer_port) {
  if (open_connections_.load(std::memory_order_relaxed) >= options_.max_connections) {
    trace::record(EventKind::ConnectionRefused, 0, peer_ipv4, 0, {}, peer_port);
    ::close(fd);
    return;
  }
  Accepted accepted{0, std::make_shared<SocketHandle>(fd), peer_ipv4, peer_port, nullptr};
  // As the loop (and asyncio's transports): no Nagle delay, so a reply is not held back
  // waiting for the client's acknowledgement of the last one.
  const int no_delay = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof no_delay);
  {
    std::lock_guard lock(mutex_);
    accepted.id = next_id_++;
    accepted.handler = handler_;
    if (send_buffer_bytes_) ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &*send_buffer_bytes_, sizeof(int));
    if (receive_buffer_bytes_) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &*receive_buffer_bytes_, sizeof(int));
    live_.emplace(accepted.id, accepted.socket);
    open_connections_.store(live_.size() + leaked_.size(), std::memory_order_relaxed);
  }
  const std::uint32_t id = accepted.id;
  trace::record(EventKind::ConnectionAccepted, id, peer_ipv4, 0, {}, peer_port);
  const auto runner = options_.model == ThreadModel::Pool ? trace::TaskRunner::PoolThread : trace::TaskRunner::OwnThread;
  trace::record(EventKind::TaskSpawned, id, 0, trace::detail_of(runner), {}, accepted.handler->label_id);
  const auto limit = [id](trace::BufferKind buffer, trace::LimitKind kind, std::uint64_t bytes) {
    trace::record(EventKind::BufferLimit, id, bytes, trace::detail_of(buffer), {}, static_cast<std::uint16_t>(kind));
  };
  limit(trace::BufferKind::Reader, trace::LimitKind::LineLimit, options_.line_limit_bytes);
  limit(trace::BufferKind::KernelSend, trace::LimitKind::SocketBuffer, static_cast<std::uint64_t>(socket_option(fd, SO_SNDBUF)));
  limit(trace::BufferKind::KernelReceive, trace::LimitKind::SocketBuffer,
        static_cast<std::uint64_t>(socket_option(fd, SO_RCVBUF)));

  if (options_.model == ThreadModel::Pool) {
    {
      std::lock_guard lock(mutex_);
      // More idle workers than connections already queued: one takes this at once. Otherwise
      // it waits for a worker to finish with its client, and the lane shows that wait (recorded
      // before a worker can pick it up, so the resume never comes first).
      accepted.waited = idle_workers_ <= queue_.size();
      if (accepted.waited) trace::record(EventKind::TaskSuspended, id, 0, trace::detail_of(trace::AwaitKind::PoolQueue));
      queue_.push_back(std::move(accepted));
    }
    queue_ready_.notify_one();
    return;
  }
  try {
    connection_threads_.fetch_add(1, std::memory_order_relaxed);
    std::thread([this, accepted] {
      {
        auto attachment = recorder_.attach_pooled_thread("thread", kConnectionRingEvents);
        serve(accepted);
      }  // the ring goes back to the recorder while the server is surely still there
      // The last touch of the server: close() can only see the count fall to 0 under this
      // lock, so it cannot return (and the server go) while this thread still uses it.
      std::lock_guard lock(mutex_);
      connection_threads_.fetch_sub(1, std::memory_order_relaxed);
      all_done_.notify_all();
    }).detach();
  } catch (const std::system_error&) {
    // No thread to be had (EAGAIN): the limit a thread per connection runs into.
    connection_threads_.fetch_sub(1, std::memory_order_relaxed);
    threads_refused_.fetch_add(1, std::memory_order_relaxed);
    trace::record(EventKind::TaskExited, id, 0, trace::detail_of(trace::ExitReason::Error));
    trace::record(EventKind::ConnectionClosed, id, peer_ipv4, trace::detail_of(trace::CloseReason::Aborted), {}, peer_port);
    accepted.socket->close();
    forget(id);
  }
}

void ThreadedServer::pool_worker() {
  auto attachment = recorder_.attach_pooled_thread("worker", kWorkerRingEvents);
  for (;;) {
    Accepted next;
    {
      std::unique_lock lock(mutex_);
      ++idle_workers_;
      queue_ready_.wait(lock, [this] { return !queue_.empty() || stopping_.load(std::memory_order_acquire); });
      --idle_workers_;
      if (queue_.empty()) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    if (next.waited) trace::record(EventKind::TaskResumed, next.id, 0, trace::detail_of(trace::AwaitKind::PoolQueue));
    serve(next);
  }
}

void ThreadedServer::serve(const Accepted& connection) {
  const std::uint32_t id = connection.id;
  BlockingStream stream(connection.socket, id, options_.line_limit_bytes, connection.peer_ipv4, connection.peer_port);
  trace::ExitReason reason = trace::ExitReason::Returned;
  try {
    connection.handler->handler(stream);
    if (stream.saw_eof()) reason = trace::ExitReason::PeerEof;
  } catch (const CancelledError&) {
    reason = trace::ExitReason::Cancelled;  // the server is closing: not the handler's fault
  } catch (const ThreadStreamError& error) {
    reason = trace::ExitReason::Error;
    record_failure(id, type_name_of(error) + ": " + error.what(), error.site);
  } catch (const std::exception& error) {
    reason = trace::ExitReason::Error;
    record_failure(id, type_name_of(error) + ": " + error.what(), {});
  } catch (...) {
    reason = trace::ExitReason::Error;
    record_failure(id, "an exception that is not a std::exception", {});
  }
  trace::record(EventKind::TaskExited, id, 0, trace::detail_of(reason));
  // As the loop (and asyncio's transport.close() after a failed or cancelled handler): what was
  // written is already with the kernel, then a normal end of stream; a peer already gone is a
  // reset, and one the server cut off after its grace is aborted (the reset it set up).
  if (stream.aborted()) {
    stream.close_as(trace::CloseReason::Aborted);
  } else if (stream.lost()) {
    stream.close_as(trace::CloseReason::PeerReset);
  } else if (reason == trace::ExitReason::Error || reason == trace::ExitReason::Cancelled) {
    stream.close_as(trace::CloseReason::Closed);
  } else if (!stream.closed()) {
    // Returned without close(): the connection leaks, as in asyncio, open and counted until
    // the server shuts down (no thread reads it any more).
    std::lock_guard lock(mutex_);
    live_.erase(id);
    leaked_.push_back(connection);
    open_connections_.store(live_.size() + leaked_.size(), std::memory_order_relaxed);
    all_done_.notify_all();
    return;
  }
  forget(id);
}

void ThreadedServer::record_failure(std::uint32_t id, const std::string& text, std::source_location site) {
  const std::uint16_t label = recorder_.intern_label(text.size() > 200 ? text.substr(0, 197) + "..." : text);
  trace::record(EventKind::TaskFailed, id, failures_.fetch_add(1, std::memory_order_relaxed) + 1, 0, site, label);
}

void ThreadedServer::forget(std::uint32_t id) {
  std::lock_guard lock(mutex_);
  live_.erase(id);
  open_connections_.store(live_.size() + leaked_.size(), std::memory_order_relaxed);
  all_done_.notify_all();
}

std::size_t ThreadedServer::queued_connections() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void ThreadedServer::set_handler(ThreadHandler handler, std::string handler_name) {
  auto entry = std::make_shared<const HandlerEntry>(HandlerEntry{std::move(handler), recorder_.intern_label(handler_name)});
  std::lock_guard lock(mutex_);
  handler_ = std::move(entry);
}

void ThreadedServer::set_socket_buffers(std::optional<int> send_buffer_bytes, std::optional<int> receive_buffer_bytes) {
  std::lock_guard lock(mutex_);
  send_buffer_bytes_ = send_buffer_bytes;
  receive_buffer_bytes_ = receive_buffer_bytes;
}

void ThreadedServer::close(std::chrono::milliseconds grace) {
  if (closed_ || !started_) {
    closed_ = true;
    return;
  }
  closed_ = true;
  stopping_.store(true, std::memory_order_release);
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept() on Linux
  accept_thread_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;

  std::deque<Accepted> never_served;
  std::vector<Accepted> leaked;
  std::vector<std::shared_ptr<SocketHandle>> live;
  {
    std::lock_guard lock(mutex_);
    never_served.swap(queue_);
    leaked.swap(leaked_);
    for (const auto& [id, socket] : live_) live.push_back(socket);
  }
  // Connections their handlers left open: the server's shutdown closes them, as the loop's does.
  for (Accepted& left_open : leaked) {
    trace::record(EventKind::ConnectionClosed, left_open.id, left_open.peer_ipv4,
                  trace::detail_of(trace::CloseReason::Leaked), {}, left_open.peer_port);
    left_open.socket->close();
  }
  queue_ready_.notify_all();
  // Connections still waiting for a worker never started: asyncio's server.close() would have
  // them too, cancelled before their first step.
  for (Accepted& waiting : never_served) {
    trace::record(EventKind::TaskExited, waiting.id, 0, trace::detail_of(trace::ExitReason::Cancelled));
    trace::record(EventKind::ConnectionClosed, waiting.id, waiting.peer_ipv4, trace::detail_of(trace::CloseReason::Aborted), {},
                  waiting.peer_port);
    waiting.socket->close();
    forget(waiting.id);
  }
  // Cancel every handler: its recv() ends with CancelledError, as asyncio cancels its tasks.
  for (const auto& socket : live) socket->cancel();
  const auto all_finished = [this] {
    return live_.empty() && connection_threads_.load(std::memory_order_relaxed) == 0;
  };
  {
    std::unique_lock lock(mutex_);
    if (!all_done_.wait_for(lock, grace, all_finished)) {
      // Still blocked (in send() to a client that does not read): reset them.
      for (const auto& [id, socket] : live_) socket->abort();
      all_done_.wait(lock, all_finished);
    }
  }
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

}  // namespace loopscope::threads
