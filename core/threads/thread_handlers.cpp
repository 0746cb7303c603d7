#include "thread_handlers.hpp"

#include <thread>

#include "core/handlers/ascii_upper.hpp"
#include "core/handlers/expensive_parse.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::threads {

namespace {

// time.sleep() in a thread: this thread waits, every other connection's thread carries on.
// Recorded as the thread's wait (awaiting_timer on its lane), at the caller's line.
void sleep_this_thread(BlockingStream& stream, std::chrono::milliseconds delay,
                       std::source_location site = std::source_location::current()) {
  trace::record(trace::EventKind::TaskSuspended, stream.id(), 0, static_cast<std::uint8_t>(trace::AwaitKind::Sleep), site);
  std::this_thread::sleep_for(delay);
  trace::record(trace::EventKind::TaskResumed, stream.id(), 0, static_cast<std::uint8_t>(trace::AwaitKind::Sleep), site);
}

}  // namespace

void echo(BlockingStream& stream) {
  for (;;) {
    const std::string line = stream.readline();  // this thread blocks until a line is here
    if (line.empty()) break;                     // "" means the client closed
    stream.write(line);                          // blocks only while the kernel's buffer is full
  }
  stream.close();
}

void upper(BlockingStream& stream) {
  for (;;) {
    std::string line = stream.readline();
    if (line.empty()) break;
    handlers::upper_case_ascii(line);  // as bytes.upper(): ASCII letters only
    stream.write(line);
  }
  stream.close();
}

void blocking_sleep(BlockingStream& stream, std::chrono::milliseconds delay) {
  for (;;) {
    const std::string line = stream.readline();
    if (line.empty()) break;
    sleep_this_thread(stream, delay);  // only this client waits
    stream.write("slept:" + line);
  }
  stream.close();
}

void cpu_parse(BlockingStream& stream, std::chrono::milliseconds cpu_time) {
  for (;;) {
    const std::string line = stream.readline();
    if (line.empty()) break;
    // The kernel shares the cores among the threads that want them: two cores, many parsers.
    const std::uint64_t digest = handlers::parse_expensively(line, cpu_time);
    stream.write("parsed:" + std::to_string(digest) + "\n");
  }
  stream.close();
}

const std::vector<std::string>& thread_handler_names() {
  static const std::vector<std::string> names = {"echo", "upper", "blocking_sleep", "cpu_parse"};
  return names;
}

std::string thread_handler_names_joined() {
  std::string joined;
  for (const auto& name : thread_handler_names()) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

std::optional<ThreadHandler> make_thread_handler(std::string_view name, const ThreadHandlerSettings& settings) {
  if (name == "echo") return ThreadHandler(echo);
  if (name == "upper") return ThreadHandler(upper);
  if (name == "blocking_sleep") {
    return ThreadHandler([delay = settings.blocking_delay](BlockingStream& stream) { blocking_sleep(stream, delay); });
  }
  if (name == "cpu_parse") {
    return ThreadHandler([cpu_time = settings.parse_cpu_time](BlockingStream& stream) { cpu_parse(stream, cpu_time); });
  }
  return std::nullopt;
}

}  // namespace loopscope::threads
