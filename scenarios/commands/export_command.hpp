#pragma once
// `loopscope export IN --chrome OUT.json`: turns a saved native trace into Chrome Trace Event
// JSON for Perfetto, without running anything. A damaged input is refused with the loader's
// reason, so a classroom never projects half a trace.

#include <ostream>
#include <string>

namespace loopscope::scenarios {

struct ExportOptions {
  std::string input_path;   // a native trace (.lstrace)
  std::string chrome_path;  // where the Chrome JSON goes
};

// 0 written; 1 the output could not be written; 2 bad arguments or an input that is not a
// valid trace (message "loopscope export: <reason>" on err).
int run_export_command(const ExportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace loopscope::scenarios
