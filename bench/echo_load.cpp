#include "echo_load.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace loopscope::bench {

namespace {

using Clock = std::chrono::steady_clock;

enum class Phase { Idle, Connecting, AwaitingFirstReply, Running, Dead };

struct LoadConnection {
  int fd = -1;
  Phase phase = Phase::Idle;
  std::string request;      // the line in flight
  std::string expected;     // the reply it must get: the request, or the request upper-cased
  std::size_t sent_bytes = 0;
  std::string reply;
  Clock::time_point sent_at{};
  std::uint32_t interest = 0;  // the epoll events registered for fd now
};

// "ping 00000000000000ab" padded with 'x' to line_bytes, then "\n": fixed length, and unique
// per request so a reply that belongs to another request (or another connection) is caught.
std::string next_request(std::uint64_t& sequence, std::size_t line_bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "ping %016llx", static_cast<unsigned long long>(sequence++));
  std::string request(text);
  request.resize(std::max(line_bytes, kMinLineBytes) - 1, 'x');
  request.push_back('\n');
  return request;
}

std::string upper_cased(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

class LoadRun {
 public:
  explicit LoadRun(const EchoLoadOptions& options) : options_(options), connections_(options.connections) {
    if (options.connections == 0) throw std::runtime_error("need at least one connection");
    if (::inet_pton(AF_INET, options.host.c_str(), &server_.sin_addr) != 1) {
      throw std::runtime_error("not an IPv4 address: " + options.host);
    }
    server_.sin_family = AF_INET;
    server_.sin_port = htons(options.port);
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    result_.latencies_ns.reserve(1 << 20);
  }
  LoadRun(const LoadRun&) = delete;
  LoadRun& operator=(const LoadRun&) = delete;
  ~LoadRun() {
    for (auto& connection : connections_) {
      if (connection.fd >= 0) ::close(connection.fd);
    }
    ::close(epoll_fd_);
  }

  EchoLoadResult run(const std::function<void()>& window_begins, const std::function<void()>& window_ends) {
    const auto establish_deadline = Clock::now() + options_.establish_timeout;
    launch_connects();
    while (established_ < connections_.size()) {
      if (established_ + result_.connection_failures >= connections_.size()) {
        throw std::runtime_error(std::to_string(result_.connection_failures) + " of " +
                                 std::to_string(connections_.size()) + " connections failed to set up");
      }
      if (Clock::now() > establish_deadline) {
        throw std::runtime_error("only " + std::to_string(established_) + " of " +
                                 std::to_string(connections_.size()) + " connections set up in time");
      }
      poll_once(establish_deadline);
    }
    result_.connections_established = established_;

    const auto warmup_end = Clock::now() + options_.warmup;
    while (Clock::now() < warmup_end) poll_once(warmup_end);

    // Failures while warming up are the server's to explain, not the window's to count.
    result_.connection_failures = 0;
    window_begins();
    const auto window_start = Clock::now();
    measuring_ = true;
    const auto window_end = window_start + options_.duration;
    while (Clock::now() < window_end) poll_once(window_end);
    measuring_ = false;
    const auto window_stop = Clock::now();
    window_ends();
    result_.measured_s = std::chrono::duration<double>(window_stop - window_start).count();
    return std::move(result_);
  }

 private:
  void launch_connects() {
    while (next_to_connect_ < connections_.size() && connects_in_flight_ < options_.connect_window) {
      const std::size_t index = next_to_connect_++;  // first: a failed connect launches the next
      start_connect(connections_[index], index);
    }
  }

  void start_connect(LoadConnection& connection, std::size_t index) {
    connection.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (connection.fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int enabled = 1;
    ::setsockopt(connection.fd, IPPROTO_TCP, TCP_NODELAY, &enabled, sizeof enabled);
    ++connects_in_flight_;
    const int status = ::connect(connection.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_);
    if (status != 0 && errno != EINPROGRESS) {
      fail(connection);
      return;
    }
    connection.phase = Phase::Connecting;
    watch(connection, index, EPOLLOUT);
  }

  void poll_once(Clock::time_point deadline) {
    const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const int timeout_ms = static_cast<int>(std::clamp<long long>(left_ms, 0, 100));
    const int ready = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
    for (int position = 0; position < ready; ++position) {
      const epoll_event& event = events_[static_cast<std::size_t>(position)];
      LoadConnection& connection = connections_[event.data.u64];
      if (connection.phase == Phase::Dead) continue;
      if (connection.phase == Phase::Connecting) {
        on_connected(connection, event.data.u64);
      } else if ((event.events & EPOLLOUT) != 0 && connection.sent_bytes < connection.request.size()) {
        send_rest(connection, event.data.u64);
      } else {
        on_readable(connection);
      }
    }
  }

  void on_connected(LoadConnection& connection, std::uint64_t index) {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
      fail(connection);
      return;
    }
    connection.phase = Phase::AwaitingFirstReply;
    send_request(connection, index);
  }

  void send_request(LoadConnection& connection, std::uint64_t index) {
    connection.request = next_request(sequence_, options_.line_bytes);
    connection.expected = options_.expect_upper ? upper_cased(connection.request) : connection.request;
    connection.sent_bytes = 0;
    connection.reply.clear();
    connection.sent_at = Clock::now();
    send_rest(connection, index);
  }

  void send_rest(LoadConnection& connection, std::uint64_t index) {
    while (connection.sent_bytes < connection.request.size()) {
      const ssize_t sent = ::send(connection.fd, connection.request.data() + connection.sent_bytes,
                                  connection.request.size() - connection.sent_bytes, MSG_NOSIGNAL);
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (sent <= 0) {
        fail(connection);
        return;
      }
      connection.sent_bytes += static_cast<std::size_t>(sent);
    }
    // Ask for writability only while part of a request is still unsent (rare on loopback).
    watch(connection, index, connection.sent_bytes < connection.request.size() ? EPOLLIN | EPOLLOUT : EPOLLIN);
  }

  // Level-triggered; an epoll_ctl only when the wanted events change, not per request.
  void watch(LoadConnection& connection, std::uint64_t index, std::uint32_t events) {
    if (connection.interest == events) return;
    epoll_event interest{};
    interest.events = events;
    interest.data.u64 = index;
    ::epoll_ctl(epoll_fd_, connection.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, connection.fd, &interest);
    connection.interest = events;
  }

  void on_readable(LoadConnection& connection) {
    char chunk[256];
    const ssize_t received = ::recv(connection.fd, chunk, sizeof chunk, 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (received <= 0) {
      fail(connection);
      return;
    }
    connection.reply.append(chunk, static_cast<std::size_t>(received));
    if (connection.reply.size() < connection.request.size()) return;
    if (connection.reply != connection.expected) {
      fail(connection);
      return;
    }
    const auto now = Clock::now();
    ++result_.round_trips_total;
    if (measuring_) {
      ++result_.round_trips;
      const auto latency_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - connection.sent_at).count();
      result_.latencies_ns.push_back(static_cast<std::uint32_t>(std::min<long long>(latency_ns, UINT32_MAX)));
    }
    const std::uint64_t index = static_cast<std::uint64_t>(&connection - connections_.data());
    if (connection.phase == Phase::AwaitingFirstReply) {
      connection.phase = Phase::Running;
      --connects_in_flight_;
      ++established_;
      launch_connects();
    }
    send_request(connection, index);
  }

  void fail(LoadConnection& connection) {
    if (connection.phase == Phase::Connecting || connection.phase == Phase::AwaitingFirstReply ||
        connection.phase == Phase::Idle) {
      --connects_in_flight_;
    }
    connection.phase = Phase::Dead;
    ++result_.connection_failures;
    if (connection.fd >= 0) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd, nullptr);
      ::close(connection.fd);
      connection.fd = -1;
    }
    launch_connects();
  }

  const EchoLoadOptions& options_;
  sockaddr_in server_{};
  int epoll_fd_ = -1;
  std::vector<LoadConnection> connections_;
  std::array<epoll_event, 1024> events_{};
  std::size_t next_to_connect_ = 0;
  std::size_t connects_in_flight_ = 0;
  std::size_t established_ = 0;
  std::uint64_t sequence_ = 0;
  bool measuring_ = false;
  EchoLoadResult result_;
};

}  // namespace

EchoLoadResult run_echo_load(const EchoLoadOptions& options, const std::function<void()>& window_begins,
                             const std::function<void()>& window_ends) {
  LoadRun run(options);
  return run.run(window_begins, window_ends);
}

std::uint32_t percentile_ns(std::vector<std::uint32_t> samples, double percentile) {
  if (samples.empty()) return 0;
  const double rank = std::ceil(percentile / 100.0 * static_cast<double>(samples.size()));
  const std::size_t index = std::min(samples.size() - 1, static_cast<std::size_t>(std::max(rank, 1.0)) - 1);
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index), samples.end());
  return samples[index];
}

}  // namespace loopscope::bench
