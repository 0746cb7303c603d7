#pragma once
// The loop's echo, upper, blocking_sleep and cpu_parse, written for a thread of their own:
// the same bytes to the client, but every wait blocks this thread only. A blocking sleep here
// delays its own client and nobody else, which is the point the threads lesson makes.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/threads/blocking_stream.hpp"

namespace loopscope::threads {

using ThreadHandler = std::function<void(BlockingStream&)>;

struct ThreadHandlerSettings {
  std::chrono::milliseconds blocking_delay{500};  // blocking_sleep: time.sleep() per line
  std::chrono::milliseconds parse_cpu_time{300};  // cpu_parse: CPU work per line
};

void echo(BlockingStream& stream);
void upper(BlockingStream& stream);
void blocking_sleep(BlockingStream& stream, std::chrono::milliseconds delay);
void cpu_parse(BlockingStream& stream, std::chrono::milliseconds cpu_time);

// The handlers a threaded server runs, by the loop's names ("echo", "upper", ...).
const std::vector<std::string>& thread_handler_names();
std::string thread_handler_names_joined();  // "echo, upper, blocking_sleep, cpu_parse"
std::optional<ThreadHandler> make_thread_handler(std::string_view name, const ThreadHandlerSettings& settings);

}  // namespace loopscope::threads
