#pragma once
// Sizes and durations as a person reads them, in the words every part of Loopscope uses
// (warnings, histograms, the timeline's labels and the event log).

#include <cstdint>
#include <string>

namespace loopscope::model {

// "512 B", "64 KiB", "1.9 MiB".
std::string format_bytes(std::uint64_t bytes);

// "40 us", "0.4 ms", "400 ms", "1.2 s", "25 s".
std::string format_duration(std::uint64_t ns);

}  // namespace loopscope::model
