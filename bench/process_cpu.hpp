#pragma once
// CPU time another process has used so far, all of its threads together, as the kernel
// accounts it in /proc/<pid>/stat (utime + stime). Ticks are 10 ms on most kernels, so a
// measured window should be seconds long.

#include <optional>
#include <sys/types.h>

namespace loopscope::bench {

// Seconds of user plus system time; empty when the process is gone or unreadable.
std::optional<double> process_cpu_s(pid_t pid);

}  // namespace loopscope::bench
