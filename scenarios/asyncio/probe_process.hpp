#pragma once
// A Python program running under the asyncio probe (core/asyncio_probe), as a child process:
// `python3 -m loopscope_probe --wire-fd 3 [options] script.py args...`. A reader thread
// decodes the wire stream from the pipe as it arrives; the session's thread takes what was
// decoded with take_updates(). However the child ends (it exits, crashes, is killed, or sends
// garbage), the process object reports why in ended_reason() and everything else carries on.
//
// The child dies with the app (PR_SET_PDEATHSIG) and runs in its own process group, so a
// Ctrl-C in the terminal reaches the app, which then stops the child itself.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <thread>
#include <vector>

#include "core/wire/wire_decoder.hpp"

namespace loopscope::scenarios {

struct ProbeLaunch {
  std::string python = "python3";
  std::string probe_path;                  // the folder that holds the loopscope_probe package
  std::vector<std::string> probe_options;  // "--port", "0", "--high-water", "65536", ...
  std::string script;
  std::vector<std::string> script_args;
  // When set, the child's stdin is a pipe that send_control_line() writes to (the lesson
  // server's commands), and its fd 4 a pipe it acknowledges them on (kChildAckFd); otherwise
  // it shares the app's stdin.
  bool control_pipe = false;
};

class ProbeProcess {
 public:
  // Starts the child. Throws std::system_error when it cannot be started at all (no pipe, no
  // fork); a Python that is missing or fails later shows in ended_reason().
  explicit ProbeProcess(const ProbeLaunch& launch);
  ProbeProcess(const ProbeProcess&) = delete;
  ProbeProcess& operator=(const ProbeProcess&) = delete;
  ~ProbeProcess();  // stop()

  // Everything decoded since the last call (what a broken stream sent before its fault too).
  wire::WireUpdate take_updates();
  // Set once the stream is over: the end frame's exit status, a format error, or the pipe
  // closing without an end frame. Empty while it runs.
  std::optional<std::string> ended_reason() const;
  // The program's exit status from the end frame; empty while it runs or when the stream
  // ended any other way (killed, crashed, garbage).
  std::optional<std::int32_t> exit_status() const;
  bool stream_over() const;

  // A line to the child's stdin (control_pipe only); false when the child no longer reads.
  // With `ack_timeout`, waits (bounded) for the child's "ok" line and returns whether it came.
  bool send_control_line(std::string_view line, std::optional<std::chrono::milliseconds> ack_timeout = std::nullopt);
  static constexpr int kChildAckFd = 4;

  // SIGINT (what Ctrl-C would send), then SIGKILL if the child has not exited within `grace`;
  // reaps it and joins the reader. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

 private:
  void read_stream();
  void end_stream(std::string reason, std::optional<std::int32_t> exit_status = std::nullopt);
  bool reap(std::chrono::milliseconds wait);

  pid_t pid_ = -1;
  int wire_fd_ = -1;     // read end of the wire pipe
  int control_fd_ = -1;  // write end of the child's stdin, or -1
  int ack_fd_ = -1;      // read end of the child's acknowledgements, or -1
  std::atomic<bool> stopping_{false};
  std::atomic<bool> reaped_{false};
  int wait_status_ = 0;

  mutable std::mutex mutex_;  // guards the three below
  wire::WireUpdate pending_;
  std::optional<std::string> ended_reason_;
  std::optional<std::int32_t> exit_status_;

  wire::WireDecoder decoder_;  // reader thread only
  std::thread reader_;
};

}  // namespace loopscope::scenarios
