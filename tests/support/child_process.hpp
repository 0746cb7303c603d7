#pragma once
// Runs a program as a child with its stdout and stderr on pipes, for end-to-end tests of the
// command line. Every wait is bounded; the destructor kills and reaps a child still running.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace loopscope::testing {

class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // The next stdout line (without "\n"), or nullopt on timeout / EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void signal(int signal_number);
  // Exit code, or nullopt if it did not exit in time (it is then killed).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::string read_stderr();
  std::string stdout_seen() const { return stdout_seen_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string buffer_;
  std::string stdout_seen_;
};

}  // namespace loopscope::testing
