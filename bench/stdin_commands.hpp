#pragma once
// The bench servers' control channel is their stdin ("stats" -> one line, EOF -> stop), so a
// driver needs no second socket. Shared by the Asio bench server and the raw epoll reference.

#include <poll.h>
#include <unistd.h>

#include <string>

namespace loopscope::bench {

// Reads whatever the driver has written without blocking the caller's tick; poll() returns
// false at EOF.
class StdinCommands {
 public:
  template <class OnLine>
  bool poll(OnLine&& on_line) {
    pollfd watched{STDIN_FILENO, POLLIN, 0};
    while (::poll(&watched, 1, 0) > 0) {
      char chunk[256];
      const ssize_t received = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (received <= 0) return false;  // EOF, or stdin is gone: either way the driver is done
      pending_.append(chunk, static_cast<std::size_t>(received));
      for (std::size_t newline = pending_.find('\n'); newline != std::string::npos; newline = pending_.find('\n')) {
        on_line(pending_.substr(0, newline));
        pending_.erase(0, newline + 1);
      }
    }
    return true;
  }

 private:
  std::string pending_;
};

}  // namespace loopscope::bench
