#pragma once
// A connection's socket, shared between its own thread (which reads, writes and closes it)
// and the server (which may shut it down from another thread to end a blocked recv() or
// send() when it stops). The lock only orders a shutdown against the close, so the server can
// never shut down a descriptor number the kernel has already given to a newer socket.

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
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
  // From any thread, when the server closes: as asyncio's server cancels its handler tasks,
  // the handler's next (or current) recv() ends with CancelledError, not a false end of stream.
  void cancel() {
    cancelled_.store(true, std::memory_order_release);
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RD);
  }
  // After the grace: a thread still blocked in send() (its client does not read) is cut off
  // with a reset, as the loop aborts what is left (SO_LINGER 0, so the close sends RST).
  void abort() {
    aborted_.store(true, std::memory_order_release);
    cancelled_.store(true, std::memory_order_release);
    std::lock_guard lock(mutex_);
    if (fd_ < 0) return;
    const linger reset{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::shutdown(fd_, SHUT_RDWR);
  }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  bool aborted() const { return aborted_.load(std::memory_order_acquire); }

 private:
  std::mutex mutex_;
  int fd_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> aborted_{false};
};

}  // namespace loopscope::threads
