#include "trace_log.hpp"

namespace loopscope::trace {

std::string TraceLog::site_text(SiteId id) const {
  const SiteInfo* info = site(id);
  if (info == nullptr) return {};
  std::string_view file = info->file;
  if (const auto slash = file.find_last_of('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  return std::string(file) + ":" + std::to_string(info->line);
}

std::uint64_t TraceLog::dropped_events_total() const {
  std::uint64_t total = 0;
  for (const auto& source : sources) total += source.dropped_events;
  return total;
}

}  // namespace loopscope::trace
