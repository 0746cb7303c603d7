#pragma once
// The text of the handlers' sources and their asyncio twins, compiled into the binary by
// cmake/EmbedTextFiles.cmake, so the code panel shows the code that actually runs without any
// files beside the app. ImGui-free, so tests can read it too.

#include <string_view>
#include <vector>

namespace loopscope::viz {

struct EmbeddedFile {
  std::string_view path;  // relative to the project root: "core/handlers/echo.cpp"
  std::string_view text;  // the whole file, exactly as it was when the binary was built
};

// Every embedded file, sorted by path. Defined in the generated file.
const std::vector<EmbeddedFile>& embedded_sources();

// The file with exactly this path; nullptr when it was not embedded.
const EmbeddedFile* find_embedded_source(std::string_view path);
// The file whose name (the path without its directories) is `file_name`; nullptr when none is,
// or when several are (a guess between two files would show the wrong code).
const EmbeddedFile* find_embedded_source_by_basename(std::string_view file_name);

// "echo.cpp" for "core/handlers/echo.cpp".
std::string_view path_basename(std::string_view path);

}  // namespace loopscope::viz
