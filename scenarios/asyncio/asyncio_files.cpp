#include "asyncio_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#ifndef LOOPSCOPE_SOURCE_DIR
#error "LOOPSCOPE_SOURCE_DIR must name the source tree (scenarios/CMakeLists.txt sets it)"
#endif

namespace loopscope::scenarios {

AsyncioFiles find_asyncio_files() {
  const char* home = std::getenv("LOOPSCOPE_HOME");
  const std::filesystem::path root = home != nullptr && *home != '\0' ? home : LOOPSCOPE_SOURCE_DIR;
  AsyncioFiles files;
  files.probe_path = (root / "core" / "asyncio_probe").string();
  files.lesson_server = (root / "scenarios" / "asyncio" / "lesson_server.py").string();
  files.twins = (root / "assets" / "asyncio").string();
  files.example = (root / "assets" / "examples" / "my_server.py").string();
  const char* python = std::getenv("LOOPSCOPE_PYTHON");
  files.python = python != nullptr && *python != '\0' ? python : "python3";
  if (!std::filesystem::is_directory(std::filesystem::path(files.probe_path) / "loopscope_probe")) {
    throw std::runtime_error("the asyncio probe is not at " + files.probe_path +
                             "/loopscope_probe (set LOOPSCOPE_HOME to the Loopscope source folder)");
  }
  return files;
}

}  // namespace loopscope::scenarios
