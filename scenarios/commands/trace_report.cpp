#include "trace_report.hpp"

#include <array>
#include <cstdio>
#include <map>

#include "core/model/warnings.hpp"

namespace loopscope::scenarios {

namespace {
std::string seconds_text(std::uint64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", static_cast<double>(ns) / 1e9);
  return text;
}
}  // namespace

void print_warnings(const model::TraceModel& model, const trace::TraceLog& log, std::ostream& out, std::size_t limit) {
  const auto warnings = model::find_warnings(model, log);
  if (warnings.empty()) {
    out << "warnings: none\n";
    return;
  }
  out << "warnings: " << warnings.size() << " (docs/warnings.md says what each means and what to do instead)\n";
  std::map<model::WarningKind, std::size_t> not_shown;
  for (std::size_t index = 0; index < warnings.size(); ++index) {
    const model::Warning& warning = warnings[index];
    if (index >= limit) {
      ++not_shown[warning.kind];
      continue;
    }
    out << "  [" << model::warning_kind_id(warning.kind) << "] at " << seconds_text(warning.time_ns) << ": "
        << warning.message << "\n";
  }
  for (const auto& [kind, count] : not_shown) {
    out << "  ... and " << count << " more " << model::warning_kind_id(kind) << "\n";
  }
}

void print_histograms(const model::TraceHistograms& histograms, std::ostream& out) {
  const std::array<std::pair<const char*, const model::DurationHistogram*>, 4> rows{{
      {"callbacks   ", &histograms.callbacks},
      {"drain stalls", &histograms.drain_stalls},
      {"read waits  ", &histograms.read_waits},
      {"round trips ", &histograms.round_trips},
  }};
  out << "durations:\n";
  for (const auto& [name, histogram] : rows) {
    if (histogram->count() == 0) continue;
    out << "  " << name << "  " << model::format_histogram_line(*histogram) << "\n";
  }
}

}  // namespace loopscope::scenarios
