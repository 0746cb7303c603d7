#pragma once
// Hands what the probe's wire stream decoded to a Recorder as a foreign source, so a Python
// server's events join the trace like the loop thread's: times moved from the child's
// CLOCK_MONOTONIC onto the trace clock, the stream's site and label ids onto the recorder's.
// One per stream; the session's (consumer) thread only.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/trace/recorder.hpp"
#include "core/wire/wire_decoder.hpp"

namespace loopscope::scenarios {

class WireTraceFeed {
 public:
  WireTraceFeed(trace::Recorder& recorder, std::string_view source_name);

  void deliver(wire::WireUpdate&& update);

  const std::optional<wire::WireHello>& hello() const { return hello_; }
  // Where the program's first server listens, once it does.
  const std::optional<wire::WireListening>& listening() const { return listening_; }

 private:
  trace::Recorder& recorder_;
  trace::SourceId source_;
  std::vector<trace::SiteId> site_ids_;   // stream site id k at [k - 1]
  std::vector<std::uint16_t> label_ids_;  // stream label id k at [k - 1]
  std::optional<wire::WireHello> hello_;
  std::optional<wire::WireListening> listening_;
  std::vector<trace::TraceEvent> scratch_;
};

}  // namespace loopscope::scenarios
