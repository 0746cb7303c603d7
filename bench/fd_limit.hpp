#pragma once
// Thousands of loopback connections need thousands of descriptors; the soft limit is often
// 1024 while the hard limit is far higher, and an unprivileged process may raise one to the
// other. Shared by the bench server and the load generator (each is its own process).

#include <sys/resource.h>

#include <cstdint>

namespace loopscope::bench {

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the soft limit now in force.
inline std::uint64_t raise_fd_limit_to_hard() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace loopscope::bench
