#include "probe_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

extern char** environ;

namespace loopscope::scenarios {

namespace {

// The child's end of the wire pipe. Fixed, so the argument list can be built before fork().
constexpr int kChildWireFd = 3;
constexpr int kReadPollMs = 100;  // how often the reader looks at the stop flag
constexpr std::size_t kReadChunkBytes = 64 * 1024;

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

// Everything the child needs, as C strings, made before fork(): after it, only
// async-signal-safe calls are allowed.
struct ChildImage {
  std::vector<std::string> argument_text;
  std::vector<std::string> environment_text;
  std::vector<char*> argv;
  std::vector<char*> envp;

  explicit ChildImage(const ProbeLaunch& launch) {
    argument_text = {launch.python, "-m", "loopscope_probe", "--wire-fd", std::to_string(kChildWireFd)};
    argument_text.insert(argument_text.end(), launch.probe_options.begin(), launch.probe_options.end());
    argument_text.push_back(launch.script);
    argument_text.insert(argument_text.end(), launch.script_args.begin(), launch.script_args.end());
    std::string python_path = "PYTHONPATH=" + launch.probe_path;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      if (text.starts_with("PYTHONPATH=")) {
        if (text.size() > 11) python_path += ":" + std::string(text.substr(11));
        continue;
      }
      // Set below: prints show as they happen, and no __pycache__ lands beside the sources.
      if (text.starts_with("PYTHONUNBUFFERED=") || text.starts_with("PYTHONDONTWRITEBYTECODE=")) continue;
      environment_text.emplace_back(text);
    }
    environment_text.push_back(python_path);
    environment_text.emplace_back("PYTHONUNBUFFERED=1");
    environment_text.emplace_back("PYTHONDONTWRITEBYTECODE=1");
    for (std::string& text : argument_text) argv.push_back(text.data());
    argv.push_back(nullptr);
    for (std::string& text : environment_text) envp.push_back(text.data());
    envp.push_back(nullptr);
  }
};

// dup2 clears close-on-exec on the copy; a descriptor that already has the number keeps it.
void place_fd(int fd, int number) {
  if (fd == number) {
    fcntl(number, F_SETFD, 0);
  } else {
    dup2(fd, number);
  }
}

[[noreturn]] void run_child(const ChildImage& image, pid_t parent, int wire_write_fd, int control_read_fd,
                            int ack_write_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(126);  // the app died before the line above took effect
  setpgid(0, 0);
  // The pipes are made before any descriptor is moved, so their numbers are at least 3 and
  // none of them is clobbered here unless it already has its place.
  if (control_read_fd >= 0) dup2(control_read_fd, STDIN_FILENO);
  if (ack_write_fd == kChildWireFd) {  // moved out of the wire's way first
    ack_write_fd = dup(ack_write_fd);
  }
  place_fd(wire_write_fd, kChildWireFd);
  if (ack_write_fd >= 0) place_fd(ack_write_fd, ProbeProcess::kChildAckFd);
  // The parent may have blocked or ignored SIGINT; the child must take it as Python expects.
  signal(SIGINT, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execvpe(image.argv[0], image.argv.data(), image.envp.data());
  const char message[] = "loopscope: could not run the Python interpreter for the asyncio probe\n";
  [[maybe_unused]] const auto ignored = write(STDERR_FILENO, message, sizeof message - 1);
  _exit(127);
}

}  // namespace

ProbeProcess::ProbeProcess(const ProbeLaunch& launch) {
  // A child that stopped reading its commands must cost a failed write, not the app.
  std::signal(SIGPIPE, SIG_IGN);
  int wire_pipe[2];
  if (pipe2(wire_pipe, O_CLOEXEC) != 0) throw_errno("pipe for the probe's wire stream");
  int control_pipe[2] = {-1, -1};
  int ack_pipe[2] = {-1, -1};
  if (launch.control_pipe && (pipe2(control_pipe, O_CLOEXEC) != 0 || pipe2(ack_pipe, O_CLOEXEC) != 0)) {
    const int saved = errno;
    for (const int fd : {wire_pipe[0], wire_pipe[1], control_pipe[0], control_pipe[1], ack_pipe[0], ack_pipe[1]}) {
      if (fd >= 0) close(fd);
    }
    errno = saved;
    throw_errno("pipes for the lesson server's commands");
  }
  const ChildImage image(launch);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) run_child(image, parent, wire_pipe[1], control_pipe[0], ack_pipe[1]);
  const int fork_errno = errno;
  close(wire_pipe[1]);
  if (control_pipe[0] >= 0) close(control_pipe[0]);
  if (ack_pipe[1] >= 0) close(ack_pipe[1]);
  wire_fd_ = wire_pipe[0];
  control_fd_ = control_pipe[1];
  ack_fd_ = ack_pipe[0];
  if (pid_ < 0) {
    close(wire_fd_);
    if (control_fd_ >= 0) close(control_fd_);
    if (ack_fd_ >= 0) close(ack_fd_);
    errno = fork_errno;
    throw_errno("fork for the asyncio probe");
  }
  reader_ = std::thread([this] { read_stream(); });
}

ProbeProcess::~ProbeProcess() { stop(); }

void ProbeProcess::read_stream() {
  std::string chunk(kReadChunkBytes, '\0');
  while (true) {
    pollfd ready{wire_fd_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, kReadPollMs);
    if (polled < 0 && errno != EINTR) {
      end_stream(std::string("reading the probe's stream failed: ") + std::strerror(errno));
      return;
    }
    if (polled <= 0) {
      if (reaped_.load()) break;
      continue;
    }
    const ssize_t got = ::read(wire_fd_, chunk.data(), chunk.size());
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      end_stream(std::string("reading the probe's stream failed: ") + std::strerror(errno));
      return;
    }
    if (got == 0) break;
    try {
      wire::WireUpdate update = decoder_.feed(std::string_view(chunk.data(), static_cast<std::size_t>(got)));
      const std::optional<std::int32_t> status = update.end_status;
      {
        std::lock_guard lock(mutex_);
        pending_.append(std::move(update));
      }
      if (status) {
        end_stream(*status == 0 ? std::string("the program ended (exit status 0)")
                                : "the program ended with exit status " + std::to_string(*status),
                   status);
        return;
      }
    } catch (const wire::WireFormatError& error) {
      {
        std::lock_guard lock(mutex_);
        pending_.append(decoder_.take_update_before_error());
      }
      end_stream(std::string("the probe's stream was refused: ") + error.what());
      return;
    }
  }
  try {
    decoder_.finish_input();
  } catch (const wire::WireFormatError& error) {
    end_stream(std::string("the probe's stream was cut short: ") + error.what());
    return;
  }
  end_stream(decoder_.hello_seen() ? "the probe stopped without saying goodbye (the program was killed or crashed)"
                                   : "the probe sent nothing before it stopped: is python3 (3.11 or newer) "
                                     "installed, and did the program start? (its messages are above)");
}

void ProbeProcess::end_stream(std::string reason, std::optional<std::int32_t> exit_status) {
  std::lock_guard lock(mutex_);
  if (ended_reason_) return;
  ended_reason_ = std::move(reason);
  exit_status_ = exit_status;
}

wire::WireUpdate ProbeProcess::take_updates() {
  std::lock_guard lock(mutex_);
  wire::WireUpdate taken = std::move(pending_);
  pending_ = wire::WireUpdate{};
  return taken;
}

std::optional<std::string> ProbeProcess::ended_reason() const {
  std::lock_guard lock(mutex_);
  return ended_reason_;
}

std::optional<std::int32_t> ProbeProcess::exit_status() const {
  std::lock_guard lock(mutex_);
  return exit_status_;
}

bool ProbeProcess::stream_over() const {
  std::lock_guard lock(mutex_);
  return ended_reason_.has_value();
}

bool ProbeProcess::send_control_line(std::string_view line, std::optional<std::chrono::milliseconds> ack_timeout) {
  if (control_fd_ < 0) return false;
  std::string text(line);
  text.push_back('\n');
  std::size_t sent = 0;
  while (sent < text.size()) {
    // SIGPIPE is ignored (see the constructor), so a closed pipe fails with EPIPE.
    const ssize_t wrote = ::write(control_fd_, text.data() + sent, text.size() - sent);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    sent += static_cast<std::size_t>(wrote);
  }
  if (!ack_timeout || ack_fd_ < 0) return true;
  // One "ok\n" per acknowledged command, in order; an ack is tiny, so it arrives whole.
  const auto deadline = std::chrono::steady_clock::now() + *ack_timeout;
  std::string received;
  while (received.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd ready{ack_fd_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) return false;
    char byte = 0;
    const ssize_t got = ::read(ack_fd_, &byte, 1);
    if (got <= 0) return false;  // the child has gone
    received.push_back(byte);
  }
  return true;
}

bool ProbeProcess::reap(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    const pid_t done = waitpid(pid_, &wait_status_, WNOHANG);
    if (done == pid_ || (done < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void ProbeProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || stopping_.exchange(true)) return;
  // A child that reads commands (the lesson server) ends by itself when they end: it closes
  // its server without cancelling anything a lesson's checks would count. Ctrl-C otherwise.
  const bool asked_to_end = control_fd_ >= 0;
  if (control_fd_ >= 0) {
    close(control_fd_);
    control_fd_ = -1;
  }
  if (!reap(asked_to_end ? std::min(grace, std::chrono::milliseconds(1500)) : std::chrono::milliseconds(0))) {
    kill(pid_, SIGINT);
    if (!reap(grace)) {
      kill(pid_, SIGKILL);
      reap(std::chrono::seconds(5));
    }
  }
  reaped_.store(true);
  // The child is gone, so the pipe has no writer left and the reader sees its end.
  if (reader_.joinable()) reader_.join();
  close(wire_fd_);
  wire_fd_ = -1;
  if (ack_fd_ >= 0) {
    close(ack_fd_);
    ack_fd_ = -1;
  }
}

}  // namespace loopscope::scenarios
