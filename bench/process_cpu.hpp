#pragma once
// CPU time another process (or one of its threads) has used so far, as the kernel accounts
// it in /proc (utime + stime). Ticks are 10 ms on most kernels, so a measured window should
// be seconds long.

#include <sys/types.h>

#include <optional>

namespace loopscope::bench {

// All of the process's threads together; empty when it is gone or unreadable.
std::optional<double> process_cpu_s(pid_t pid);

// One thread of it (its main thread has tid == pid).
std::optional<double> thread_cpu_s(pid_t pid, pid_t tid);

}  // namespace loopscope::bench
