#pragma once
// What the server process costs as a whole, read from the kernel: threads, resident and
// reserved memory, context switches. The threads-against-the-loop lesson measures these
// instead of quoting a book's figures.

#include <chrono>
#include <cstdint>
#include <optional>

namespace loopscope::process {

struct ProcessReading {
  std::uint64_t threads = 0;
  std::uint64_t resident_bytes = 0;   // VmRSS: pages in RAM now
  std::uint64_t reserved_bytes = 0;   // VmSize: address space mapped, used or not (thread stacks count whole)
  std::uint64_t voluntary_switches = 0;    // all threads, living and ended (getrusage)
  std::uint64_t involuntary_switches = 0;
  std::uint64_t kernel_stack_bytes = 0;    // system-wide (/proc/meminfo KernelStack); 0 if unknown
};

// Reads /proc/self/statm, /proc/self/stat, /proc/meminfo and getrusage(RUSAGE_SELF). nullopt when /proc
// cannot be read (not Linux, or a sandbox without it).
std::optional<ProcessReading> read_process_gauges();

// One EventKind::ProcessGauge event per reading, into the calling thread's ring.
void record_process_gauges(const ProcessReading& reading);

// Samples the gauges at most once per interval; call it from a driver's tick.
class ProcessGaugeSampler {
 public:
  explicit ProcessGaugeSampler(std::chrono::milliseconds interval = std::chrono::milliseconds(100))
      : interval_(interval) {}
  // Records a reading when the interval has passed since the last (or `force`).
  void poll(bool force = false);

 private:
  std::chrono::milliseconds interval_;
  std::optional<std::chrono::steady_clock::time_point> last_sample_;
};

}  // namespace loopscope::process
