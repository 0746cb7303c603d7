// The reference the Asio server is measured against: the least a single-threaded echo server
// on this kernel can do per round trip. One thread, level-triggered epoll registered once per
// connection, one recv per readable event (level-triggered: if more is left, epoll says so
// again), the reply sent at once, EPOLLOUT asked for only while a reply is partly unsent. So a
// round trip costs a recv and a send, plus a share of one epoll_wait; no epoll_ctl.
//
// --rearm-per-wait is a diagnosis, not a server anyone would write: after each reply it
// re-registers EPOLLIN with EPOLL_CTL_MOD, the system call Asio 1.22's reactor makes every
// time a coroutine starts waiting for a socket (async_wait is never speculative; see
// docs/benchmarks.md). Running both shows what that one call costs on its own.
//
// It speaks the bench servers' protocol (bench_servers.py): "listening on HOST:PORT" once
// bound; on stdin, "stats" -> one line with open_connections and pid, EOF -> stop. The loop
// runs on its own thread and the main thread reads stdin, as in the Asio bench server, so the
// driver pins both the same way.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <unordered_map>

#include "bench/fd_limit.hpp"
#include "bench/stdin_commands.hpp"
#include "scenarios/commands/stop_signal.hpp"
#include "core/handlers/ascii_upper.hpp"

namespace {

// A line longer than this closes its connection, as the Asio server's line limit does; the
// load's lines are far shorter.
constexpr std::size_t kLineLimitBytes = 64 * 1024;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string handler = "echo";
  std::size_t max_connections = 20000;
  bool rearm_per_wait = false;
  bool ignore_stdin = false;
};

struct RawConnection {
  std::string unread;   // bytes received after the last complete line
  std::string unsent;   // reply bytes the kernel did not take yet
  bool watching_writable = false;
};

class RawEpollServer {
 public:
  RawEpollServer(const Options& options, int listen_fd)
      : options_(options), listen_fd_(listen_fd), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    watch(listen_fd_, EPOLLIN, EPOLL_CTL_ADD);
  }
  ~RawEpollServer() {
    for (const auto& [fd, connection] : connections_) ::close(fd);
    ::close(epoll_fd_);
  }
  RawEpollServer(const RawEpollServer&) = delete;
  RawEpollServer& operator=(const RawEpollServer&) = delete;

  void run(const std::atomic<bool>& stop) {
    epoll_event ready[256];
    while (!stop.load(std::memory_order_relaxed)) {
      const int count = ::epoll_wait(epoll_fd_, ready, 256, 50);  // wakes now and then to see stop
      for (int i = 0; i < count; ++i) {
        const int fd = ready[i].data.fd;
        if (fd == listen_fd_) {
          accept_all();
        } else {
          serve(fd, ready[i].events);
        }
      }
    }
  }

  std::size_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

 private:
  void watch(int fd, std::uint32_t events, int operation) const {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    ::epoll_ctl(epoll_fd_, operation, fd, &event);
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN: the queue is empty; anything else: try at the next event
      if (connections_.size() >= options_.max_connections) {
        ::close(fd);
        continue;
      }
      connections_.emplace(fd, RawConnection{});
      open_connections_.store(connections_.size(), std::memory_order_relaxed);
      watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    }
  }

  void drop(int fd) {
    ::close(fd);  // also leaves the epoll set
    connections_.erase(fd);
    open_connections_.store(connections_.size(), std::memory_order_relaxed);
  }

  void serve(int fd, std::uint32_t events) {
    const auto found = connections_.find(fd);
    if (found == connections_.end()) return;
    RawConnection& connection = found->second;
    if ((events & EPOLLOUT) != 0 && !flush(fd, connection)) return;
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) == 0) return;

    char chunk[64 * 1024];
    const ssize_t received = ::recv(fd, chunk, sizeof chunk, 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (received <= 0) {  // end of stream or an error: either way this client is done
      drop(fd);
      return;
    }
    connection.unread.append(chunk, static_cast<std::size_t>(received));
    answer_complete_lines(connection);
    if (connection.unread.size() > kLineLimitBytes) {
      drop(fd);
      return;
    }
    if (!flush(fd, connection)) return;
    if (options_.rearm_per_wait && !connection.watching_writable) watch(fd, EPOLLIN, EPOLL_CTL_MOD);
  }

  void answer_complete_lines(RawConnection& connection) const {
    std::size_t line_start = 0;
    for (std::size_t newline = connection.unread.find('\n'); newline != std::string::npos;
         newline = connection.unread.find('\n', line_start)) {
      const std::size_t reply_start = connection.unsent.size();
      connection.unsent.append(connection.unread, line_start, newline + 1 - line_start);
      if (options_.handler == "upper") {
        // The same transformation as handlers::upper (bytes.upper()), so the two do equal work.
        std::string line = connection.unsent.substr(reply_start);
        loopscope::handlers::upper_case_ascii(line);
        connection.unsent.replace(reply_start, std::string::npos, line);
      }
      line_start = newline + 1;
    }
    connection.unread.erase(0, line_start);
  }

  // Sends what is unsent; returns false when the connection had to be dropped.
  bool flush(int fd, RawConnection& connection) {
    while (!connection.unsent.empty()) {
      const ssize_t sent = ::send(fd, connection.unsent.data(), connection.unsent.size(), MSG_NOSIGNAL);
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (sent < 0) {
        drop(fd);
        return false;
      }
      connection.unsent.erase(0, static_cast<std::size_t>(sent));
    }
    const bool want_writable = !connection.unsent.empty();
    if (want_writable != connection.watching_writable) {
      connection.watching_writable = want_writable;
      watch(fd, want_writable ? EPOLLIN | EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
    }
    return true;
  }

  const Options& options_;
  int listen_fd_;
  int epoll_fd_;
  std::unordered_map<int, RawConnection> connections_;
  std::atomic<std::size_t> open_connections_{0};
};

int listen_on(const Options& options, std::uint16_t& bound_port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(options.port);
  if (::inet_pton(AF_INET, options.host.c_str(), &address.sin_addr) != 1) {
    throw std::runtime_error("not an IPv4 address: " + options.host);
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int reuse = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 4096) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error(reason);
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  bound_port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Raw epoll echo server: the benchmarks' reference"};
  app.add_option("--host", options.host, "Address to bind");
  app.add_option("--port", options.port, "Port to bind; 0 lets the kernel pick");
  app.add_option("--handler", options.handler, "What each line gets back")->check(CLI::IsMember({"echo", "upper"}));
  app.add_option("--max-connections", options.max_connections, "Connections beyond this are closed at once");
  app.add_flag("--rearm-per-wait", options.rearm_per_wait,
               "Diagnosis: one EPOLL_CTL_MOD per reply, as Asio's async_wait makes");
  app.add_flag("--ignore-stdin", options.ignore_stdin, "Keep running when stdin closes (stop with SIGTERM)");
  CLI11_PARSE(app, argc, argv);

  const std::uint64_t fd_limit = loopscope::bench::raise_fd_limit_to_hard();
  loopscope::scenarios::install_stop_signal_handlers();

  std::uint16_t port = 0;
  int listen_fd = -1;
  try {
    listen_fd = listen_on(options, port);
  } catch (const std::exception& error) {
    std::cerr << "raw epoll server: cannot listen on " << options.host << ":" << options.port << ": " << error.what()
              << "\n";
    return 1;
  }
  RawEpollServer server(options, listen_fd);
  std::cout << "listening on " << options.host << ":" << port << std::endl;
  std::cerr << "raw epoll server: handler " << options.handler << ", fd limit " << fd_limit
            << (options.rearm_per_wait ? ", one EPOLL_CTL_MOD per reply" : "") << "\n";

  std::atomic<bool> stop{false};
  std::thread loop([&] { server.run(stop); });
  loopscope::bench::StdinCommands commands;
  const auto on_command = [&](const std::string& line) {
    if (line == "stats") {
      std::cout << "stats open_connections=" << server.open_connections() << " pid=" << ::getpid() << std::endl;
    }
  };
  while (!loopscope::scenarios::stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!options.ignore_stdin && !commands.poll(on_command)) break;
  }
  stop.store(true);
  loop.join();
  ::close(listen_fd);
  return 0;
}
