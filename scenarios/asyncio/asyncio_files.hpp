#pragma once
// Where the Python side of Loopscope lives on disk: the probe package, the lesson server and
// the handlers' asyncio twins. Python needs real files, so unlike the code panel's embedded
// copies these are read from the source tree the binary was built from, or from the folder
// that LOOPSCOPE_HOME names (a moved checkout).

#include <string>

namespace loopscope::scenarios {

struct AsyncioFiles {
  std::string probe_path;     // the folder holding the loopscope_probe package
  std::string lesson_server;  // scenarios/asyncio/lesson_server.py
  std::string twins;          // assets/asyncio
  std::string example;        // assets/examples/my_server.py: a learner-style server to try
  std::string python;         // LOOPSCOPE_PYTHON, else "python3"
};

// Throws std::runtime_error naming the folder looked in and how to point elsewhere.
AsyncioFiles find_asyncio_files();

}  // namespace loopscope::scenarios
