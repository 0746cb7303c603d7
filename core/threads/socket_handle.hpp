#pragma once
// A connection's socket, shared between its own thread (which reads, writes and closes it)
// and the server (which may shut it down from another thread to end a blocked recv() or
// send() when it stops). The lock only orders a shutdown against the close, so the server can
// never shut down a descriptor number the kernel has already given to a newer socket.

#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

namespace loopscope::threads {

class SocketHandle {
 public:
  explicit SocketHandle(int fd) : fd_(fd) {}
  SocketHandle(const SocketHandle&) = delete;
  SocketHandle& operator=(const SocketHandle&) = delete;
  ~SocketHandle() { close(); }

  // Owner thread only: no lock needed to read what only it changes.
  int fd() const { return fd_; }

  void close() {
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // From any thread: SHUT_RD ends a blocked recv() with end of stream, SHUT_RDWR also a send().
  void shutdown(int how) {
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) ::shutdown(fd_, how);
  }

 private:
  std::mutex mutex_;
  int fd_;
};

}  // namespace loopscope::threads
