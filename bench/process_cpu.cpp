#include "process_cpu.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace loopscope::bench {

namespace {

// Seconds of utime + stime from a /proc .../stat file.
std::optional<double> cpu_s_from_stat(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may itself hold spaces or ')', so the
  // fields are counted from the last ')'. After it: state (3), ... utime (14), stime (15).
  const auto name_end = text.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(name_end + 1));
  std::string field;
  unsigned long long utime_ticks = 0;
  unsigned long long stime_ticks = 0;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) utime_ticks = std::stoull(field);
    if (number == 15) stime_ticks = std::stoull(field);
  }
  if (!fields) return std::nullopt;
  const long ticks_per_s = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_s <= 0) return std::nullopt;
  return static_cast<double>(utime_ticks + stime_ticks) / static_cast<double>(ticks_per_s);
}

}  // namespace

std::optional<double> process_cpu_s(pid_t pid) { return cpu_s_from_stat("/proc/" + std::to_string(pid) + "/stat"); }

std::optional<double> thread_cpu_s(pid_t pid, pid_t tid) {
  return cpu_s_from_stat("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
}

}  // namespace loopscope::bench
