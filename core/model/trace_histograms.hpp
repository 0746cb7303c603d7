#pragma once
// Duration histograms over a trace model: how long the loop's callbacks ran, how long drain()
// stalls and read waits lasted, and the clients' round trips, for all tasks or one client
// group. What the histograms panel draws and what a lesson's output prints.

#include <string>
#include <string_view>
#include <vector>

#include "core/model/duration_histogram.hpp"
#include "core/model/trace_model.hpp"

namespace loopscope::model {

struct TraceHistograms {
  DurationHistogram callbacks;     // each Asio handler the loop ran (the loop's busy time)
  DurationHistogram drain_stalls;  // each drain() that had to wait, begin to end
  DurationHistogram read_waits;    // each wait in readline() / read() / readexactly()
  DurationHistogram round_trips;   // each scripted client's request to its whole reply
};

// `group` empty: every task and client. Otherwise the tasks serving that group's clients and
// those clients; callbacks are the loop's and are counted in full either way. Open spans
// count up to the model's end.
TraceHistograms histograms_of(const TraceModel& model, std::string_view group = {});

// The client groups the model has seen, in name order.
std::vector<std::string> client_groups(const TraceModel& model);

}  // namespace loopscope::model
