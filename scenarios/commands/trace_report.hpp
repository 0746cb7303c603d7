#pragma once
// The warnings and duration histograms of a run, printed after it: `lesson` prints them after
// its checks and `serve` in its final summary, in the same words the app's panels use.

#include <ostream>

#include "core/model/trace_histograms.hpp"
#include "core/model/trace_model.hpp"
#include "core/trace/trace_log.hpp"

namespace loopscope::scenarios {

// "warnings: none", or one line per warning: "  [slow_callback] 1.20 s: a blocking call at ...".
// At most `limit` lines; the rest are counted by kind.
void print_warnings(const model::TraceModel& model, const trace::TraceLog& log, std::ostream& out,
                    std::size_t limit = 20);

// One line per histogram that has samples: "  callbacks      n 120  p50 ...".
void print_histograms(const model::TraceHistograms& histograms, std::ostream& out);

}  // namespace loopscope::scenarios
