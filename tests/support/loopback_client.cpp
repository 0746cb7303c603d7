#include "loopback_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <thread>

namespace loopscope::testing {

LoopbackClient::LoopbackClient(std::uint16_t port, int receive_buffer_bytes) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  if (receive_buffer_bytes > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
}

LoopbackClient::LoopbackClient(LoopbackClient&& other) noexcept : fd_(other.fd_), pending_(std::move(other.pending_)) {
  other.fd_ = -1;
}

LoopbackClient::~LoopbackClient() { close(); }

void LoopbackClient::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("send failed");
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

bool LoopbackClient::wait_readable(std::chrono::milliseconds timeout) {
  pollfd entry{fd_, POLLIN, 0};
  return ::poll(&entry, 1, static_cast<int>(timeout.count())) > 0;
}

std::optional<std::string> LoopbackClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto newline = pending_.find('\n'); newline != std::string::npos) {
      std::string line = pending_.substr(0, newline + 1);
      pending_.erase(0, newline + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_readable(left)) return std::nullopt;
    char chunk[4096];
    const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
    if (received <= 0) return std::nullopt;
    pending_.append(chunk, static_cast<std::size_t>(received));
  }
}

std::string LoopbackClient::read_some(std::size_t max_bytes, std::chrono::milliseconds timeout) {
  if (!pending_.empty()) {
    std::string front = pending_.substr(0, max_bytes);
    pending_.erase(0, front.size());
    return front;
  }
  if (!wait_readable(timeout)) return {};
  std::string chunk(max_bytes, '\0');
  const ssize_t received = ::recv(fd_, chunk.data(), chunk.size(), 0);
  if (received <= 0) return {};
  chunk.resize(static_cast<std::size_t>(received));
  return chunk;
}

bool LoopbackClient::read_until_eof(std::string& received, std::chrono::milliseconds timeout) {
  received += pending_;
  pending_.clear();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_readable(left)) return false;
    char chunk[16384];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got == 0) return true;
    if (got < 0) return errno == ECONNRESET;
    received.append(chunk, static_cast<std::size_t>(got));
  }
}

LoopbackClient::StreamEnd LoopbackClient::read_to_end(std::string& received, std::chrono::milliseconds timeout) {
  received += pending_;
  pending_.clear();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_readable(left)) return StreamEnd::Timeout;
    char chunk[16384];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got == 0) return StreamEnd::Fin;
    if (got < 0) return errno == ECONNRESET ? StreamEnd::Reset : StreamEnd::Timeout;
    received.append(chunk, static_cast<std::size_t>(got));
  }
}

void LoopbackClient::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void LoopbackClient::reset() {
  if (fd_ < 0) return;
  linger abortive{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
  close();
}

void LoopbackClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

}  // namespace loopscope::testing
