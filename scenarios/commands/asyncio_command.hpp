#pragma once
// `loopscope asyncio server.py [args...] --trace FILE`: the learner's own asyncio program, run
// unchanged under the probe, headless: where it listens, a summary line each second (as
// `serve` prints), its warnings when it stops, and the trace saved. Without --trace the app
// opens on it instead (viz/app).

#include <ostream>
#include <string>
#include <vector>

namespace loopscope::scenarios {

struct AsyncioCommandOptions {
  std::string program;
  std::vector<std::string> program_args;
  std::string trace_path;  // .json = Chrome Trace Event JSON, else native
  double duration_s = 0;   // 0: until Ctrl-C or the program ends
};

// The exit code: 0 when it ran and stopped (by Ctrl-C, --duration, or ending with status 0),
// 1 when it could not start, ended with another status or broke its stream, 2 for bad options.
int run_asyncio_command(const AsyncioCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace loopscope::scenarios
