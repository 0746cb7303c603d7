#pragma once
// A drained trace: the merged, time-ordered events plus the tables they index into.
// This is what is saved, loaded, exported, and what core/model builds from.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trace_event.hpp"

namespace loopscope::trace {

struct SiteInfo {
  std::string file;
  std::string function;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct SourceInfo {
  std::string name;                // "loop", "main", "clients", ...
  std::uint64_t dropped_events = 0;  // events its ring could not take
};

struct TraceLog {
  std::vector<TraceEvent> events;    // ordered by time_ns
  std::vector<SiteInfo> sites;       // SiteId n refers to sites[n - 1]
  std::vector<std::string> labels;   // handler names, marks
  std::vector<SourceInfo> sources;   // one per ring
  std::uint64_t start_unix_ns = 0;   // wall-clock time when the trace began

  const SiteInfo* site(SiteId id) const {
    return id == 0 || id > sites.size() ? nullptr : &sites[id - 1];
  }
  std::string_view label(std::uint32_t id) const {
    return id < labels.size() ? std::string_view(labels[id]) : std::string_view();
  }
  // "file.cpp:12" with the file's directories removed; empty for no site.
  std::string site_text(SiteId id) const;
  std::uint64_t dropped_events_total() const;
  std::uint64_t end_ns() const { return events.empty() ? 0 : events.back().time_ns; }
};

}  // namespace loopscope::trace
