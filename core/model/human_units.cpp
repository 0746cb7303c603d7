#include "human_units.hpp"

#include <cstdio>

namespace loopscope::model {

std::string format_bytes(std::uint64_t bytes) {
  char text[32];
  const double value = static_cast<double>(bytes);
  // Gigabytes too: a thousand threads reserve about 9 GiB, which reads badly as 9000 MiB.
  if (bytes >= 1024ULL * 1024 * 1024) std::snprintf(text, sizeof text, "%.1f GiB", value / (1024.0 * 1024.0 * 1024.0));
  else if (bytes >= 1024ULL * 1024) std::snprintf(text, sizeof text, "%.1f MiB", value / (1024.0 * 1024.0));
  else if (bytes >= 1024ULL) std::snprintf(text, sizeof text, "%.0f KiB", value / 1024.0);
  else std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  return text;
}

std::string format_duration(std::uint64_t ns) {
  char text[32];
  if (ns >= 10'000'000'000ull) {
    std::snprintf(text, sizeof text, "%.0f s", static_cast<double>(ns) / 1e9);
  } else if (ns >= 1'000'000'000ull) {
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ns) / 1e9);
  } else if (ns >= 10'000'000ull) {
    std::snprintf(text, sizeof text, "%.0f ms", static_cast<double>(ns) / 1e6);
  } else if (ns >= 100'000ull) {
    std::snprintf(text, sizeof text, "%.1f ms", static_cast<double>(ns) / 1e6);
  } else {
    std::snprintf(text, sizeof text, "%.0f us", static_cast<double>(ns) / 1e3);
  }
  return text;
}

}  // namespace loopscope::model
