#pragma once
// Builds a TraceLog by hand for model, replay and timeline tests: each add() appends one event
// as a recorder's drain would have merged it, so tests add events in time order. Labels (and
// sites) are given up front because events refer to them by id.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/trace/trace_event.hpp"
#include "core/trace/trace_log.hpp"

namespace loopscope::testing {

class TraceLogBuilder {
 public:
  explicit TraceLogBuilder(std::vector<std::string> labels, std::vector<trace::SiteInfo> sites = {}) {
    log_.labels = std::move(labels);
    log_.sites = std::move(sites);
  }
  TraceLogBuilder& add(std::uint64_t time_ns, trace::EventKind kind, std::uint32_t subject, std::uint64_t value = 0,
                       std::uint8_t detail = 0, std::uint16_t aux = 0, trace::SiteId site = 0) {
    log_.events.push_back(trace::TraceEvent{time_ns, value, subject, site, kind, detail, aux, 0, 0});
    return *this;
  }
  trace::TraceLog& log() { return log_; }
  const trace::TraceLog& log() const { return log_; }

 private:
  trace::TraceLog log_;
};

}  // namespace loopscope::testing
