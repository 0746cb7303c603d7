#pragma once
// `loopscope lesson`: list the built-in lessons, or run one (or a lesson file) headless,
// printing its narration and then its checks; the exit code says whether every check held.

#include <ostream>
#include <string>

namespace loopscope::scenarios {

struct LessonCommandOptions {
  bool list = false;
  std::string lesson;      // a built-in lesson's name, or a path to a .json file
  std::string trace_path;  // optional: save the run's trace (.json = Chrome, else native)
  double speed = 1.0;
  std::string server = "loopscope";  // "asyncio": the handlers' asyncio twins; "threads" / "pool": Loopscope's threaded servers
};

int run_lesson_command(const LessonCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace loopscope::scenarios
