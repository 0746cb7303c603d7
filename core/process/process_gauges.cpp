#include "process_gauges.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/trace/hook.hpp"

namespace loopscope::process {

namespace {

// Field 20 of /proc/self/stat (num_threads). The command name (field 2) may hold spaces and
// parentheses, so counting starts after its last ')'.
std::optional<std::uint64_t> read_thread_count() {
  std::ifstream stat("/proc/self/stat");
  std::string text;
  if (!std::getline(stat, text)) return std::nullopt;
  const auto name_end = text.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(name_end + 1));
  std::string field;
  // After the name: field 3 (state) is the first; num_threads is field 20, the 18th read here.
  for (int index = 3; index <= 20; ++index) {
    if (!(fields >> field)) return std::nullopt;
  }
  try {
    return std::stoull(field);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// "KernelStack:   12345 kB" from /proc/meminfo, in bytes.
std::uint64_t read_kernel_stack_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "KernelStack:") return kilobytes * 1024;
  }
  return 0;
}

}  // namespace

std::optional<ProcessReading> read_process_gauges() {
  ProcessReading reading;
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return std::nullopt;
  const auto page_bytes = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  reading.reserved_bytes = size_pages * page_bytes;
  reading.resident_bytes = resident_pages * page_bytes;
  const auto threads = read_thread_count();
  if (!threads) return std::nullopt;
  reading.threads = *threads;
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return std::nullopt;
  reading.voluntary_switches = static_cast<std::uint64_t>(usage.ru_nvcsw);
  reading.involuntary_switches = static_cast<std::uint64_t>(usage.ru_nivcsw);
  reading.kernel_stack_bytes = read_kernel_stack_bytes();
  return reading;
}

void record_process_gauges(const ProcessReading& reading) {
  using trace::ProcessGauge;
  const auto record = [](ProcessGauge gauge, std::uint64_t value) {
    trace::record(trace::EventKind::ProcessGauge, 0, value, static_cast<std::uint8_t>(gauge));
  };
  record(ProcessGauge::Threads, reading.threads);
  record(ProcessGauge::ResidentBytes, reading.resident_bytes);
  record(ProcessGauge::ReservedBytes, reading.reserved_bytes);
  record(ProcessGauge::VoluntarySwitches, reading.voluntary_switches);
  record(ProcessGauge::InvoluntarySwitches, reading.involuntary_switches);
  if (reading.kernel_stack_bytes > 0) record(ProcessGauge::KernelStackBytes, reading.kernel_stack_bytes);
}

void ProcessGaugeSampler::poll(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && last_sample_ && now - *last_sample_ < interval_) return;
  last_sample_ = now;
  if (const auto reading = read_process_gauges()) record_process_gauges(*reading);
}

}  // namespace loopscope::process
